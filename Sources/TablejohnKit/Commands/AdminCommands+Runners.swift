// Runners: every runner as the pages show it, and adding or revoking a runner's token.

extension AdminCommands {
    /// Runners with tokens, and runners seen with the shared token since the daemon
    /// started, by name: the same list, states and runs the pages show.
    func runners() throws -> [RunnerOverview] {
        RunnerOverview.all(records: try store.runners(), live: runnerAPI?.liveRunners(now: Self.now()) ?? [:],
                           outputs: runnerAPI?.liveOutput() ?? [:])
    }

    /// A token for a new runner called `name`; shown once, stored hashed.
    func addRunner(_ name: String) throws -> String {
        try store.addRunner(name, now: Self.now())
    }

    func revokeRunner(_ name: String) throws {
        try store.revokeRunner(name)
    }
}
