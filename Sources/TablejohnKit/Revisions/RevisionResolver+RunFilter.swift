// Building a RunFilter from the named text values callers give (RPC params, URL queries).

/// A filter value that could not be read.
enum RunFilterError: Error, Equatable {
    case invalidTime(key: String)

    /// What a time filter accepts, for messages.
    static let timeFormat = "an RFC 3339 time or a date such as 2026-11-22"
}

extension RunFilter {
    /// The names of the filters, as RPC params and URL query keys.
    static let parameterNames = ["commit", "ref", "metric", "runner", "since", "until"]
}

extension RevisionResolver {
    /// A filter from `value(name)` for each of `RunFilter.parameterNames`: `commit` and
    /// `ref` are resolved to commits (any rev works for `ref`), times are parsed.
    /// With `publicNames`, `commit` and `ref` accept only `PublicRevision` syntax.
    /// Throws `RevisionError`, `PublicRevisionError`, `RunError` or `RunFilterError`.
    func runFilter(publicNames: Bool = false, _ value: (String) throws -> String?) throws -> RunFilter {
        let resolve: (String) throws -> String = { publicNames ? try self.commit(public: $0) : try self.commit($0) }
        var filter = RunFilter()
        if let commit = try value("commit") { filter.commitID = try store.commitID(of: try resolve(commit)) }
        if let ref = try value("ref") { filter.refCommitID = try store.commitID(of: try resolve(ref)) }
        filter.metric = try value("metric")
        filter.runner = try value("runner")
        for key in ["since", "until"] {
            guard let text = try value(key) else { continue }
            guard let time = Timestamp.parse(text) else { throw RunFilterError.invalidTime(key: key) }
            if key == "since" { filter.since = time } else { filter.until = time }
        }
        return filter
    }
}
