// A detected change as JSON: one shape for changes.list, changes.ack and GET /api/changes.

extension PerformanceChange {
    /// `{"id", "ref", "metric", "runner", "commit", "summary", "base", "before", "after", "magnitude", "kind",
    /// "confidence", "state", "detected", "acked"}`: what changes.list and `GET /api/changes` give for a change.
    public var json: JSONValue {
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
        ]
    }
}
