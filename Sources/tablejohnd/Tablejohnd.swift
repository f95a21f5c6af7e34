// The tablejohnd executable: parses the command line and hands over to TablejohnKit.
import ArgumentParser
import Foundation
import Logging
import TablejohnKit

@main
struct Tablejohnd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tablejohnd",
        abstract: "Continuous benchmarking of a git repository's commits.",
        subcommands: [Serve.self, Runner.self],
        defaultSubcommand: Serve.self)
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Watch a repository and serve its pages.",
        discussion: """
            With no options, serves the git repository in the current directory on \
            http://127.0.0.1:8221, keeping its database in .git/tablejohn/tablejohn.db and its \
            control socket (for tjctl) in .git/tablejohn/tablejohn.sock.
            Set TABLEJOHN_LOG=debug for more detail.
            """)

    @Option(name: .long, help: ArgumentHelp("TOML configuration file.", valueName: "file"))
    var config: String?

    @Option(name: .long, help: ArgumentHelp("Repository to watch (default: the current directory).", valueName: "path"))
    var repo: String?

    @Option(name: .long, help: ArgumentHelp("SQLite database (default: tablejohn/tablejohn.db in the git directory).", valueName: "file"))
    var db: String?

    @Option(name: .long, help: ArgumentHelp("Address of the web server (default: 127.0.0.1:8221).", valueName: "host:port"))
    var address: String?

    @Option(name: .long, help: ArgumentHelp("Control socket for tjctl (default: next to the database).", valueName: "path"))
    var socket: String?

    @Flag(name: .long, help: "Also run a benchmark runner in this process (named local), on this server's [bench] settings.")
    var localRunner = false

    func validate() throws {
        if let address, SocketAddressSetting(parsing: address) == nil {
            throw ValidationError("--address must be HOST:PORT, such as 127.0.0.1:8221")
        }
    }

    func run() async throws {
        let logger = DaemonLogging.bootstrap()
        let options = ServeOptions(configPath: config, repoPath: repo, databasePath: db,
                                   address: address.flatMap(SocketAddressSetting.init(parsing:)), socketPath: socket,
                                   localRunner: localRunner)
        let daemon: ServeDaemon
        do {
            daemon = try ServeDaemon.prepare(options, logger: logger)
        } catch let error as DaemonError {
            fail("\(error)")
        } catch let error as ConfigurationError {
            fail("\(error)")
        }
        try await daemon.run()
    }
}

struct Runner: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmark commits handed out by one or more tablejohn servers.",
        discussion: """
            Each server is given as --server URL --token TOKEN (the token from `tjctl runner add NAME` \
            on that server), or as [[runner.server]] in the configuration file. To keep the token off \
            the command line, leave out --token and set TABLEJOHN_RUNNER_TOKEN: each --server then \
            uses it. The runner calls each \
            server every few seconds, runs what it is handed in a temporary directory, and keeps each \
            result until its server has acknowledged it.
            """)

    @Option(name: .long, help: ArgumentHelp("TOML configuration file ([runner] section).", valueName: "file"))
    var config: String?

    @Option(name: .long, help: ArgumentHelp("The runner's name on its servers (default: the host name).", valueName: "name"))
    var name: String?

    @Option(name: .customLong("server"), help: ArgumentHelp("A server's URL, such as http://bench.example:8221 (repeatable).", valueName: "url"))
    var servers: [String] = []

    @Option(name: .customLong("token"), help: ArgumentHelp("The token for the --server before it (repeatable).", valueName: "token"))
    var tokens: [String] = []

    @Option(name: .long, help: ArgumentHelp("Where runs are unpacked (default: a temporary directory).", valueName: "path"))
    var workDir: String?

    /// Set in the environment (from a secret store, say), the token of every --server given without --token.
    static let tokenVariable = "TABLEJOHN_RUNNER_TOKEN"

    /// The --token values, or the environment's token for each --server when none is given.
    var serverTokens: [String] {
        guard tokens.isEmpty, let token = ProcessInfo.processInfo.environment[Self.tokenVariable], !token.isEmpty else { return tokens }
        return servers.map { _ in token }
    }

    func validate() throws {
        guard servers.count == serverTokens.count else {
            throw ValidationError("give one --token for each --server, or set \(Self.tokenVariable) for all of them")
        }
        for server in servers where !(server.hasPrefix("http://") || server.hasPrefix("https://")) {
            throw ValidationError("--server must be an http:// or https:// URL, not \(server)")
        }
    }

    func run() async throws {
        let logger = DaemonLogging.bootstrap()
        let options = RunnerOptions(configPath: config, name: name, workDirectory: workDir,
                                    servers: zip(servers, serverTokens).map { .init(url: $0, token: $1) })
        let settings: RunnerDaemon.Settings
        do {
            settings = try RunnerProcess.settings(options)
        } catch let error as DaemonError {
            fail("\(error)")
        } catch let error as ConfigurationError {
            fail("\(error)")
        }
        try await RunnerProcess.run(settings, logger: logger)
    }
}

private func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("tablejohnd: \(message)\n".utf8))
    Foundation.exit(2)
}

extension DaemonLogging {
    /// Logs to standard error at the level named by TABLEJOHN_LOG (default: info).
    static func bootstrap() -> Logger {
        let level = ProcessInfo.processInfo.environment["TABLEJOHN_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        return Logger(label: "tablejohnd")
    }
}

enum DaemonLogging {}
