// compare: a branch against the merge base of it and its base, over the control socket.
extension ControlMethods {
    /// `{"base", "head", "threshold"?}` → `BranchComparison.json`. Names take any revision
    /// syntax (the socket is the owner's); the threshold is a percentage, 2 unless given.
    /// The merge-base walk and the noise read run on the git workers, as for the page, not
    /// on the socket's loop where every other call would wait for them.
    func compare(_ params: RPCParams) throws -> RPCResult {
        let base = try params.requiredString("base")
        let head = try params.requiredString("head")
        var rule = ComparisonVerdictRule()
        if let given = params.value("threshold"), given != .null {
            guard let threshold = given.doubleValue, ComparisonVerdictRule.isValidThreshold(threshold) else {
                throw RPCError.invalidParams("\"threshold\" must be \(ComparisonVerdictRule.thresholdRule)", data: ["parameter": "threshold"])
            }
            rule.thresholdPercent = threshold
        }
        let comparer = BranchComparer(store: store, resolver: resolver)
        let (now, chosen) = (Self.now(), rule)
        return .deferred { () async throws(RPCError) -> JSONValue in
            do {
                return try await GitWorkers.run { try comparer.compare(base: base, head: head, rule: chosen, now: now).json }
            } catch {
                throw Self.translate(error)
            }
        }
    }
}
