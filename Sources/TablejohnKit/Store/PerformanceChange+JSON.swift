// A detected change as JSON: one shape for changes.list, changes.ack and GET /api/changes.

extension PerformanceChange {
    /// `{"id", "ref", "metric", "runner", "commit", "summary", "base", "before", "after", "magnitude", "kind",
    /// "confidence", "state", "detected", "acked", "confirmation", "unconfirmable"}`: what changes.list and
    /// `GET /api/changes` give for a change. `confirmation` is `{"parent_runs", "commit_runs", "p", "change"}`
    /// (null before re-runs began); `unconfirmable` is `{"machine", "since"}` once its machine was given up on.
    var json: JSONValue {
        [
            "id": .integer(id),
            "ref": .string(ref),
            "metric": .string(metric),
            "runner": JSONValue(runnerName),
            "commit": .string(commit),
            "summary": .string(summary),
            "base": .string(base),
            "before": .real(before),
            "after": .real(after),
            "magnitude": .real(magnitude),
            "kind": .string(kind.rawValue),
            "confidence": .real(confidence),
            "state": .string(state.rawValue),
            "detected": .string(Timestamp.rfc3339(milliseconds: detected)),
            "acked": acked.map { .string(Timestamp.rfc3339(milliseconds: $0)) } ?? .null,
            "confirmation": evidence.map { evidence in
                ["parent_runs": JSONValue(evidence.parentRuns), "commit_runs": JSONValue(evidence.commitRuns),
                 "p": .real(evidence.pValue), "change": evidence.change.map(JSONValue.real) ?? .null]
            } ?? .null,
            "unconfirmable": unconfirmable.map { since in
                ["machine": .string(machineLabel), "since": .string(Timestamp.rfc3339(milliseconds: since))]
            } ?? .null,
        ]
    }

    /// The machine a change was measured on, as pages and tjctl name it.
    var machineLabel: String { runnerName ?? "its machine" }

    /// How its confirmation stands, in words: "confirmed: 6 runs each, p = 0.0022, +9.8 %",
    /// "bisecting, unconfirmable on bench-a", or nil when there is nothing to say.
    var confirmationText: String? {
        if unconfirmable != nil { return "\(state.rawValue), unconfirmable on \(machineLabel)" + (evidence.map { " (\($0.summary))" } ?? "") }
        guard let evidence else { return nil }
        return "\(state.rawValue): \(evidence.summary)"
    }
}
