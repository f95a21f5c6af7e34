// runners.list, runners.add and runners.revoke.

extension ControlMethods {
    /// Runners with tokens, and runners seen with the shared token since the daemon
    /// started: the list, states and runs the pages show (`RunnerOverview`).
    func runnersList(_ params: RPCParams) throws -> JSONValue {
        .array(try commands.runners().map { runner in
            ["name": .string(runner.name), "created": JSONValue(runner.created.map(Timestamp.rfc3339(milliseconds:))),
             "state": .string(runner.state.rawValue), "last_seen": runner.lastSeen.map { .string(Timestamp.rfc3339(milliseconds: $0)) } ?? .null,
             "run": runner.run.map { ["id": .string($0.runID), "hash": .string($0.hash)] } ?? .null,
             "paused": runner.paused.map { .string($0.text) } ?? .null,
             "fingerprint": runner.fingerprint ?? .null]
        })
    }

    func runnerAdd(_ params: RPCParams) throws -> JSONValue {
        let name = try params.requiredString("name")
        return ["name": .string(name), "token": .string(try commands.addRunner(name))]
    }

    func runnerRevoke(_ params: RPCParams) throws -> JSONValue {
        let name = try params.requiredString("name")
        try commands.revokeRunner(name)
        return ["revoked": .string(name)]
    }
}
