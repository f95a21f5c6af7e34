// changes.list and changes.ack: the detected changes, over the control socket.
extension ControlMethods {
    func changesList(_ params: RPCParams) throws -> JSONValue {
        var filter = ChangeFilter()
        if let state = try params.string("state") {
            if state == "any" {
                filter.states = ChangeState.allCases
            } else {
                guard let known = ChangeState(rawValue: state) else {
                    let names = (ChangeState.allCases.map(\.rawValue) + ["any"]).joined(separator: ", ")
                    throw RPCError.invalidParams("\"state\" must be one of \(names)", data: ["parameter": "state"])
                }
                filter.states = [known]
            }
        }
        filter.includeAcked = try params.bool("all") ?? false
        if let revision = try params.string("commit") { filter.commit = try resolver.commit(revision) }
        filter.limit = Int(try params.int("limit", range: 1...Self.maximumPage) ?? 100)
        return .array(try store.changes(filter).map(Self.json))
    }

    func changeAck(_ params: RPCParams) throws -> JSONValue {
        let id = try params.requiredInt("id", range: 1...Int64.max)
        try store.acknowledgeChange(id, now: Self.now())
        guard let change = try store.change(id: id) else { throw ChangeError.unknown(id) }
        return Self.json(change)
    }

    static func json(_ change: PerformanceChange) -> JSONValue {
        [
            "id": .integer(change.id),
            "ref": .string(change.ref),
            "metric": .string(change.metric),
            "runner": JSONValue(change.runnerName),
            "commit": .string(change.commit),
            "summary": .string(change.summary),
            "base": .string(change.base),
            "before": .real(change.before),
            "after": .real(change.after),
            "magnitude": .real(change.magnitude),
            "kind": .string(change.kind.rawValue),
            "confidence": .real(change.confidence),
            "state": .string(change.state.rawValue),
            "detected": .string(Timestamp.rfc3339(milliseconds: change.detected)),
            "acked": change.acked.map { .string(Timestamp.rfc3339(milliseconds: $0)) } ?? .null,
        ]
    }
}
