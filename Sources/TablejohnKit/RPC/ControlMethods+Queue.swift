// queue.list, queue.add, queue.remove, queue.prioritize and queue.backfill.

extension ControlMethods {
    func queueList(_ params: RPCParams) throws -> JSONValue {
        let limit = try params.int("limit", range: 1...Self.maximumPage) ?? 1000
        return .array(try commands.queue(limit: Int(limit)).map { entry in
            ["hash": .string(entry.hash), "priority": JSONValue(entry.priority), "summary": .string(entry.summary),
             "added": .string(Timestamp.rfc3339(milliseconds: entry.added)),
             "committer_time": Timestamp.rfc3339(commitSeconds: entry.committerTime).map(JSONValue.string) ?? .null,
             "machine": entry.affinity.map { ["runner": JSONValue($0.runner), "fingerprint": JSONValue($0.fingerprint)] } ?? .null]
        })
    }

    func queueAdd(_ params: RPCParams) throws -> JSONValue {
        let rev = try params.requiredString("rev")
        let priority = try params.int("priority", range: Store.queuePriorities) ?? 0
        let addition = try commands.enqueue(rev, priority: Int(priority))
        return ["commits": .array(addition.commits.map(JSONValue.string)), "added": JSONValue(addition.added.count),
                "already_queued": JSONValue(addition.commits.count - addition.added.count), "priority": .integer(priority)]
    }

    func queueRemove(_ params: RPCParams) throws -> JSONValue {
        ["removed": .string(try commands.dequeue(try params.requiredString("rev")))]
    }

    func queuePrioritize(_ params: RPCParams) throws -> JSONValue {
        let rev = try params.requiredString("rev")
        let priority = try params.requiredInt("priority", range: Store.queuePriorities)
        return ["hash": .string(try commands.prioritize(rev, priority: Int(priority))), "priority": .integer(priority)]
    }

    func backfill(_ params: RPCParams) throws -> JSONValue {
        let ref = try params.requiredString("ref")
        let last = try params.requiredInt("last", range: 1...100_000)
        let priority = try params.int("priority", range: Store.queuePriorities) ?? -1
        let backfill = try commands.backfill(ref: ref, last: Int(last), priority: Int(priority))
        return ["ref": .string(backfill.ref), "commits": .array(backfill.commits.map(JSONValue.string)),
                "added": JSONValue(backfill.added.count), "priority": .integer(priority)]
    }
}
