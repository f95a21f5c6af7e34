// Refs: listing them, and tracking or untracking one.

extension AdminCommands {
    /// Every ref with its tip; only tracked ones, or only untracked ones, when `tracked` says so.
    func refs(tracked: Bool? = nil) throws -> [RefSummary] {
        try store.refSummaries().filter { tracked == nil || $0.tracked == tracked }
    }

    /// Tracks or untracks the ref `name` names (short or full); returns the ref as it is now.
    @discardableResult
    func setTracked(_ name: String, _ tracked: Bool) throws -> StoredRef {
        var ref = try resolver.ref(name)
        try store.setTracked(ref.name, tracked)
        ref.tracked = tracked
        return ref
    }
}
