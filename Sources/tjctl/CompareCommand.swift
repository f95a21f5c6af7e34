// tjctl compare: a branch against the merge base of it and its base, with an exit code for CI.
import ArgumentParser
import Foundation
import TablejohnKit

struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare HEAD with the merge base of BASE and HEAD, metric by metric.",
        discussion: """
            Uses the runs of HEAD's newest machine on both sides. Verdicts come from a rank test \
            (Mann-Whitney U, p ≤ 0.01) when both sides have enough samples for it to decide (5 and 5 \
            do, 3 and 3 cannot), otherwise from the metric's noise along BASE's first-parent history. \
            A merge base without runs on that machine is queued.
            Exit codes: 0 nothing regressed, 1 a metric regressed significantly by more than the \
            threshold (or the call failed), 2 usage error, 3 no verdict yet (HEAD or the merge base \
            has no runs; the merge base is queued), 75 the daemon's database is busy.
            """)
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The branch compared against, such as main.") var base: String
    @Argument(help: "The branch or commit compared, such as feature or HEAD.") var head: String
    @Option(help: ArgumentHelp("Changes smaller than this percentage count as no change.", valueName: "pct"))
    var threshold: Double = ComparisonVerdictRule.defaultThresholdPercent
    @Flag(help: "Print a Markdown table for a pull-request comment.") var markdown = false

    func validate() throws {
        guard ComparisonVerdictRule.isValidThreshold(threshold) else {
            throw ValidationError("--threshold must be \(ComparisonVerdictRule.thresholdRule)")
        }
        if markdown && connection.json { throw ValidationError("give --json or --markdown, not both") }
    }

    func run() throws {
        let result = try connection.call("compare", ["base": .string(base), "head": .string(head), "threshold": .real(threshold)])
        let comparison: BranchComparison
        do {
            comparison = try BranchComparison(json: result)
        } catch {
            throw CallFailure(message: "the daemon's reply is not a comparison: \(error)")
        }
        if connection.json {
            print(try result.jsonString())
        } else {
            print(markdown ? comparison.markdown() : comparison.terminalText(), terminator: "")
        }
        if comparison.waiting != nil {
            var failure = CallFailure(message: comparison.summaryLine)
            failure.exitCode = 3
            throw failure
        }
        let regressions = comparison.summary.regressions
        if regressions > 0 {
            throw CallFailure(message: "\(regressions) metric\(regressions == 1 ? "" : "s") regressed")
        }
    }
}
