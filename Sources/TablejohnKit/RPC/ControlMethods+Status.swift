// status and repo.fetch: what the daemon holds and does, and a sync round on request.

extension ControlMethods {
    func status(_ params: RPCParams) throws -> JSONValue {
        let counts = try store.commitCounts()
        let state = sync.status.snapshot
        var syncObject: JSONObject = ["rounds": JSONValue(state.rounds)]
        switch state.phase {
        case .waiting: syncObject["phase"] = "waiting"
        case .fetching: syncObject["phase"] = "fetching"
        case .importing(let commits):
            syncObject["phase"] = "importing"
            syncObject["commits_so_far"] = JSONValue(commits)
        }
        syncObject["last_success"] = JSONValue(state.lastSuccess.map { Timestamp.rfc3339(milliseconds: Int64($0.timeIntervalSince1970 * 1000)) })
        syncObject["last_error"] = JSONValue(state.lastError)
        let refs = try store.refs().values
        return [
            "repository": .string(repositoryPath),
            "database": .string(databasePath),
            "commits": JSONValue(counts.total),
            "reachable_commits": JSONValue(counts.reachable),
            "refs": JSONValue(refs.count),
            "tracked_refs": .array(refs.filter(\.tracked).map(\.name).sorted().map(JSONValue.string)),
            "queue_length": JSONValue(try store.queueLength()),
            "runs": JSONValue(try store.runCount()),
            "sync": .object(syncObject),
        ]
    }

    /// Waits for a whole sync round, off the connection's event loop.
    func fetch(_ params: RPCParams) -> RPCResult {
        Self.later { [commands] in
            let report = try await commands.fetch()
            return ["new_commits": JSONValue(report.newCommits), "refs_changed": JSONValue(report.refsChanged),
                    "queued": JSONValue(report.queued)]
        }
    }
}
