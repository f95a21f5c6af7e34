// tjctl changes: detected performance changes, and acknowledging them.
import ArgumentParser
import Foundation
import TablejohnKit

struct Changes: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List detected changes, newest first, or acknowledge one.",
        discussion: """
            By default: confirmed regressions and detected improvements not yet acknowledged. \
            States: bisecting (narrowing down the commit), confirming (waiting for re-runs), \
            confirmed, unconfirmed (re-runs did not agree), detected (improvements and neutral changes).
            Exit code 0 whether or not changes are listed; CI scripts can read --json. With \
            --fail-on regression: the unacknowledged confirmed regressions on tracked refs are listed \
            (from one reading, so the list and the exit code agree), and the exit code is 1 while \
            there is one.
            """)
    @OptionGroup var connection: ConnectionOptions
    @Option(help: ArgumentHelp("Acknowledge the change with this id (it stays listed with --all).", valueName: "id"))
    var ack: Int64?
    @Option(help: "Only changes in this state, or any.") var state: String?
    @Flag(help: "Include acknowledged changes.") var all = false
    @Option(help: "Only changes at this commit (any revision).") var commit: String?
    @Option(help: "At most this many.") var limit: Int = 50
    @Option(name: .customLong("fail-on"), help: ArgumentHelp("Exit with 1 while an unacknowledged confirmed regression exists on a tracked ref.",
                                                             valueName: "regression"))
    var failOn: String?

    func validate() throws {
        if let failOn, failOn != "regression" { throw ValidationError("--fail-on takes regression") }
        if failOn != nil, ack != nil { throw ValidationError("--fail-on lists changes; it does not go with --ack") }
    }

    func run() throws {
        if let ack {
            try connection.show(try connection.call("changes.ack", ["id": .integer(ack)])) { change in
                print("acknowledged change \(Output.text(change["id"])): \(Output.text(change["metric"])) at \(Output.shortHash(change["commit"]))")
            }
            return
        }
        var params: JSONObject = ["all": .bool(all), "limit": JSONValue(limit)]
        if let state { params["state"] = .string(state) }
        if let commit { params["commit"] = .string(commit) }
        if failOn != nil {
            params = ["state": "confirmed", "kind": "regression", "tracked": true, "all": false, "limit": 1000]
        }
        let listed = try connection.call("changes.list", params)
        try connection.show(listed) { result in
            Output.table(["ID", "STATE", "KIND", "METRIC", "CHANGE", "COMMIT", "REF", "RUNNER", "RE-RUNS", "SUMMARY"], result.arrayValue?.map { change in
                [Output.text(change["id"]), Output.text(change["state"]), Output.text(change["kind"]),
                 Output.text(change["metric"]), Self.percent(change["magnitude"]),
                 Output.shortHash(change["commit"]), Output.text(change["ref"]),
                 Output.text(change["runner"]), Self.confirmation(change), Output.text(change["summary"])]
            } ?? [])
        }
        if failOn != nil {
            let count = listed.arrayValue?.count ?? 0
            if count > 0 {
                throw CallFailure(message: "\(count) unacknowledged confirmed regression\(count == 1 ? "" : "s") on tracked refs")
            }
        }
    }

    /// The re-runs' evidence ("6 runs each, p = 0.0022, +9.8 %"), or "unconfirmable on NAME"
    /// once the change's machine was given up on; "-" before confirmation.
    static func confirmation(_ change: JSONValue) -> String {
        if let machine = change["unconfirmable"]?["machine"]?.stringValue { return "unconfirmable on \(machine)" }
        guard let evidence = change["confirmation"], let parent = evidence["parent_runs"]?.intValue,
              let commit = evidence["commit_runs"]?.intValue, let p = evidence["p"]?.doubleValue else { return "-" }
        return ConfirmationEvidence(parentRuns: Int(parent), commitRuns: Int(commit), pValue: p, change: evidence["change"]?.doubleValue).summary
    }

    static func percent(_ value: JSONValue?) -> String {
        guard let value = value?.doubleValue else { return "-" }
        return String(format: "%+.1f%%", value * 100)
    }
}
