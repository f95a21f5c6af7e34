// What `/`, `/graph/` and `/queue/` say while nothing is measured: what is happening and the command that moves it on.
import Foundation

/// The guidance for a server with no runs yet, in one place so the three pages that
/// show it agree. The advice follows what is missing first: a tracked branch (nothing
/// is ever queued without one), a runner (queued commits wait for one), queued work (a
/// runner is there but has nothing to do until history is queued).
struct FirstSteps: Equatable {
    enum Advice: Equatable {
        /// Runs exist: the pages show them.
        case none
        case trackABranch
        case startARunner(queued: Int)
        case waitForResults(queued: Int)
        case backfill(ref: String)
    }

    let advice: Advice

    /// How many commits the backfill command names: enough for a line, quick to run.
    static let backfillCommits = 20

    /// - Parameters:
    ///   - hasRuns: whether any run is stored.
    ///   - trackedRefs: full names of the tracked refs.
    ///   - runnersSeen: runners that made a status call at least once.
    init(hasRuns: Bool, trackedRefs: [String], runnersSeen: Int, queueLength: Int) {
        advice = if hasRuns {
            .none
        } else if trackedRefs.isEmpty {
            .trackABranch
        } else if runnersSeen == 0 {
            .startARunner(queued: queueLength)
        } else if queueLength > 0 {
            .waitForResults(queued: queueLength)
        } else {
            .backfill(ref: Self.commandName(trackedRefs.sorted().first!))
        }
    }

    /// A paragraph with `id="first-steps"`, or nothing once runs exist.
    func render(_ html: inout HTMLWriter) {
        guard advice != .none else { return }
        html.raw("<div id=\"first-steps\" class=\"panel first-steps\">\n<p><strong>Nothing is measured yet.</strong> ")
        switch advice {
        case .none:
            break
        case .trackABranch:
            html.raw("No branch is tracked, so no commit is queued. Track the branch to benchmark:</p>\n")
            command(&html, "tjctl track main")
        case .startARunner(let queued):
            if queued > 0 {
                html.raw("\(DisplayFormat.count(queued, "commit")) \(queued == 1 ? "is" : "are") queued, but no runner has asked for work yet. ")
            } else {
                html.raw("No runner has asked for work yet. ")
            }
            html.raw("Benchmark on this machine by starting the server with its local runner:</p>\n")
            command(&html, "tablejohnd serve --local-runner")
            html.raw("<p>or add a runner on a benchmark machine (the first command here prints its token):</p>\n")
            command(&html, "tjctl runner add bench-box-1\ntablejohnd runner --name bench-box-1 --server URL --token TOKEN")
        case .waitForResults(let queued):
            html.raw("\(DisplayFormat.count(queued, "commit")) \(queued == 1 ? "is" : "are") queued; ")
            html.raw("graphs appear as runners finish them. Follow the runners and their output on <a href=\"\(URLPath.href("/queue/"))\">the queue</a>.</p>\n")
        case .backfill(let ref):
            html.raw("A runner is ready, but nothing is queued: new commits on tracked branches are, older history is not. ")
            html.raw("Queue the last \(Self.backfillCommits) commits of ")
            html.element("code", ref)
            html.raw(":</p>\n")
            command(&html, "tjctl backfill \(Self.shellWord(ref)) --last \(Self.backfillCommits)")
        }
        html.raw("</div>\n")
    }

    /// The short name of a ref, or its full name where the short one would read as an option.
    static func commandName(_ ref: String) -> String {
        let short = RefName.short(ref)
        return short.hasPrefix("-") ? ref : short
    }

    /// `name` as one word for a POSIX shell: branch names may hold `$`, quotes or spaces,
    /// and the command is meant to be pasted.
    static func shellWord(_ name: String) -> String {
        let plain = !name.isEmpty && name.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "._/-+@:".unicodeScalars.contains($0)
        }
        return plain ? name : "'" + name.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    private func command(_ html: inout HTMLWriter, _ text: String) {
        html.raw("<pre class=\"command\"><code>")
        html.text(text)
        html.raw("</code></pre>\n")
    }
}
