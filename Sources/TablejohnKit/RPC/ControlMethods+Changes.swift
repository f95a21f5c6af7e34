// changes.list and changes.ack: the detected changes, over the control socket (the JSON shape is PerformanceChange.json).
extension ControlMethods {
    func changesList(_ params: RPCParams) throws -> JSONValue {
        var filter = ChangeFilter()
        if let state = try params.string("state") {
            guard filter.select(stateNamed: state) else {
                throw RPCError.invalidParams("\"state\" must be one of \(ChangeFilter.stateNames)", data: ["parameter": "state"])
            }
        }
        filter.includeAcked = try params.bool("all") ?? false
        filter.kind = try params.choice("kind", ChangeKind.self)
        filter.trackedRefsOnly = try params.bool("tracked") ?? false
        if let revision = try params.string("commit") { filter.commit = try commands.resolver.commit(revision) }
        filter.limit = Int(try params.int("limit", range: 1...Int64(ChangeFilter.maximumLimit)) ?? 100)
        return .array(try commands.changes(filter).map(\.json))
    }

    func changeAck(_ params: RPCParams) throws -> JSONValue {
        let id = try params.requiredInt("id", range: 1...Int64.max)
        return try commands.acknowledgeChange(id).json
    }
}
