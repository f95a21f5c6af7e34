// refs.list, refs.track and refs.untrack.

extension ControlMethods {
    func refsList(_ params: RPCParams) throws -> JSONValue {
        .array(try commands.refs(tracked: try params.bool("tracked")).map(Self.json))
    }

    func track(_ params: RPCParams, _ tracked: Bool) throws -> JSONValue {
        let ref = try commands.setTracked(try params.requiredString("ref"), tracked)
        return ["ref": .string(ref.name), "tracked": .bool(tracked), "hash": .string(ref.hash)]
    }

    static func json(_ ref: RefSummary) -> JSONValue {
        ["name": .string(ref.name), "tracked": .bool(ref.tracked), "hash": .string(ref.hash),
         "summary": .string(ref.summary), "author": .string(ref.authorName),
         "committer_time": Timestamp.rfc3339(commitSeconds: ref.committerTime).map(JSONValue.string) ?? .null]
    }
}
