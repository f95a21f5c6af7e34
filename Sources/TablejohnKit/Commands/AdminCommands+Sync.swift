// Fetching: one whole sync round, now.

extension AdminCommands {
    /// Runs a whole sync round (fetch, import, queue) and waits for it.
    func fetch() async throws -> ImportReport {
        guard let sync else { throw AdminError.noSync }
        guard let report = await sync.runRound() else {
            throw AdminError.syncFailed(reason: sync.status.snapshot.lastError ?? "interrupted")
        }
        return report
    }
}
