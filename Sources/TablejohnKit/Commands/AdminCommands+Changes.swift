// Detected changes: listing them and acknowledging one.

extension AdminCommands {
    func changes(_ filter: ChangeFilter) throws -> [PerformanceChange] {
        try store.changes(filter)
    }

    /// Acknowledges change `id`; returns it as it is now.
    func acknowledgeChange(_ id: Int64) throws -> PerformanceChange {
        try store.acknowledgeChange(id, now: Self.now())
        guard let change = try store.change(id: id) else { throw ChangeError.unknown(id) }
        return change
    }
}
