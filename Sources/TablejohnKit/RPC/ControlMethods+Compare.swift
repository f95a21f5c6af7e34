// compare: a branch against the merge base of it and its base, over the control socket.
extension ControlMethods {
    /// `{"base", "head", "threshold"?}` → `BranchComparison.json`. Names take any revision
    /// syntax (the socket is the owner's); the threshold is a percentage, 2 unless given.
    /// The merge-base walk and the noise read run on the git workers (`AdminCommands.compare`),
    /// not on the socket's loop where every other call would wait for them.
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
        return Self.later { [commands, rule] in try await commands.compare(base: base, head: head, rule: rule).json }
    }
}
