// Comparing a branch with its base, from their merge base.

extension AdminCommands {
    /// BASE against HEAD from their merge base, on the git workers (the walk and the noise read block).
    func compare(base: String, head: String, rule: ComparisonVerdictRule) async throws -> BranchComparison {
        let comparer = BranchComparer(store: store, resolver: resolver)
        let now = Self.now()
        return try await GitWorkers.run { try comparer.compare(base: base, head: head, rule: rule, now: now) }
    }
}
