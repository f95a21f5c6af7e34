// Composition of `tablejohnd runner`: settings from the file and flags, one RunnerDaemon.
import Logging
import ServiceLifecycle

/// Command-line choices for `tablejohnd runner`; each overrides the configuration file.
public struct RunnerOptions: Sendable {
    var configPath: String?
    var name: String?
    var workDirectory: String?
    /// `--server URL --token TOKEN` pairs; when given, they replace the file's servers.
    var servers: [TablejohnConfiguration.Runner.Server]

    public init(configPath: String? = nil, name: String? = nil, workDirectory: String? = nil,
                servers: [TablejohnConfiguration.Runner.Server] = []) {
        self.configPath = configPath
        self.name = name
        self.workDirectory = workDirectory
        self.servers = servers
    }
}

public enum RunnerProcess {
    /// The runner's settings. Throws `ConfigurationError` or `DaemonError` with one line to show.
    public static func settings(_ options: RunnerOptions) throws -> RunnerDaemon.Settings {
        var runner = try options.configPath.map(TablejohnConfiguration.load(path:))?.runner ?? TablejohnConfiguration.Runner()
        if let name = options.name {
            guard RunnerToken.isValidName(name) else {
                throw ConfigurationError(file: "--name", message: "use letters, digits, '.', '_' and '-' (at most 64)")
            }
            runner.name = name
        }
        if let directory = options.workDirectory { runner.workDirectory = directory }
        if !options.servers.isEmpty { runner.servers = options.servers }
        guard !runner.servers.isEmpty else { throw DaemonError.noServers }
        return RunnerDaemon.Settings(runner)
    }

    /// Runs until SIGTERM or SIGINT; a second signal ends the process at once.
    public static func run(_ settings: RunnerDaemon.Settings, logger: Logger) async throws {
        let escalation = SignalEscalation(logger: logger)
        let group = ServiceGroup(configuration: .init(services: [.init(service: RunnerDaemon(settings: settings, logger: logger))],
                                                      gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        withExtendedLifetime(escalation) {}
    }
}
