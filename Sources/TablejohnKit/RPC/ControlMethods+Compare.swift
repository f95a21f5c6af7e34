// compare: a branch against the merge base of it and its base, over the control socket.
extension ControlMethods {
    /// `{"base", "head", "threshold"?}` → `BranchComparison.json`. Names take any revision
    /// syntax (the socket is the owner's); the threshold is a percentage, 2 unless given.
    func compare(_ params: RPCParams) throws -> JSONValue {
        let base = try params.requiredString("base")
        let head = try params.requiredString("head")
        var rule = ComparisonVerdictRule()
        if let given = params.value("threshold"), given != .null {
            guard let threshold = given.doubleValue, threshold.isFinite,
                  (0...ComparisonVerdictRule.maximumThresholdPercent).contains(threshold) else {
                throw RPCError.invalidParams("\"threshold\" must be a percentage from 0 to \(Int(ComparisonVerdictRule.maximumThresholdPercent))",
                                             data: ["parameter": "threshold"])
            }
            rule.thresholdPercent = threshold
        }
        return try BranchComparer(store: store, resolver: resolver).compare(base: base, head: head, rule: rule, now: Self.now()).json
    }
}
