// Composition of `tablejohnd serve`: repository, database, sync loop and web server.
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// Command-line choices for `tablejohnd serve`; each overrides the configuration file.
public struct ServeOptions: Sendable {
    var configPath: String?
    var repoPath: String?
    var databasePath: String?
    var address: SocketAddressSetting?
    var socketPath: String?
    /// Also run a runner in this process, on the server's own settings.
    var localRunner: Bool

    public init(configPath: String? = nil, repoPath: String? = nil, databasePath: String? = nil,
                address: SocketAddressSetting? = nil, socketPath: String? = nil, localRunner: Bool = false) {
        self.configPath = configPath
        self.repoPath = repoPath
        self.databasePath = databasePath
        self.address = address
        self.socketPath = socketPath
        self.localRunner = localRunner
    }
}

/// A prepared `tablejohnd serve`: everything opened and checked, ready to run.
public struct ServeDaemon: Sendable {
    let configuration: TablejohnConfiguration
    let repository: GitRepository
    let store: Store
    let databasePath: String
    let socketPath: String
    let sync: SyncService
    let benchRepository: GitRepository?
    let localRunner: Bool
    /// What `/metrics` serves; nil with `[web] metrics = false`.
    let metrics: DaemonMetrics?
    private let lock: InstanceLock
    private let logger: Logger

    /// The folder for the database and the control socket of a repository:
    /// `tablejohn/` inside its git directory, so each repository has its own state
    /// and nothing appears in the working tree.
    static func stateDirectory(for repository: GitRepository) -> String {
        repository.gitDirectory + "/tablejohn"
    }

    /// Opens (or clones) the repository, opens and migrates the database, and takes
    /// the instance lock. Throws a `DaemonError` or `ConfigurationError` with one line to show.
    public static func prepare(_ options: ServeOptions, logger: Logger) throws -> ServeDaemon {
        var configuration = try options.configPath.map(TablejohnConfiguration.load(path:)) ?? TablejohnConfiguration()
        if let repo = options.repoPath { configuration.repo.path = repo }
        if let address = options.address { configuration.web.address = address }

        // The database holds password hashes and token digests, the socket takes admin
        // calls: everything the daemon creates from here on is its owner's alone.
        umask(0o077)
        DescriptorLimit.raise()
        GitRepository.setNetworkTimeout(configuration.repo.fetchTimeout)
        let repository = try openRepository(configuration.repo, logger: logger)
        let databasePath: String
        if let explicit = options.databasePath {
            databasePath = explicit
        } else {
            let state = stateDirectory(for: repository)
            do {
                try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
                // A state folder made by an earlier version under a looser umask is narrowed too.
                chmod(state, 0o700)
            } catch {
                throw DaemonError.stateDirectory(path: state, reason: error.localizedDescription)
            }
            databasePath = defaultDatabasePath(for: repository)
        }
        let socketPath = options.socketPath ?? defaultSocketPath(database: databasePath)
        let socketLimit = MemoryLayout.size(ofValue: sockaddr_un().sun_path) - 1
        guard socketPath.utf8.count <= socketLimit else {
            throw DaemonError.socketPathTooLong(path: socketPath, limit: socketLimit)
        }
        let lock = try InstanceLock(database: databasePath)
        for path in [databasePath, Store.archivePath(forDatabase: databasePath)] {
            for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: path + suffix) {
                chmod(path + suffix, 0o600)
            }
        }
        let store: Store
        do {
            store = try Store(path: databasePath)
        } catch {
            throw DaemonError.database(path: databasePath, reason: "\(error)")
        }
        let remote = configuration.repo.url.map {
            SyncService.RemoteSettings(url: $0, refspecs: configuration.repo.refspecs)
        }
        let metrics = configuration.web.metrics ? DaemonMetrics() : nil
        let sync = SyncService(repository: repository, store: store, remote: remote,
                               interval: configuration.repo.fetchInterval, logger: logger, metrics: metrics)
        var benchRepository: GitRepository?
        if case .benchRepo(let path, _) = configuration.bench.method {
            do {
                benchRepository = try GitRepository(opening: path)
            } catch let error as GitError {
                throw DaemonError.noBenchRepository(path: path, reason: error.message)
            }
        }
        return ServeDaemon(configuration: configuration, repository: repository, store: store,
                           databasePath: databasePath, socketPath: socketPath, sync: sync, benchRepository: benchRepository,
                           localRunner: options.localRunner, metrics: metrics, lock: lock, logger: logger)
    }

    /// The database when `--db` is not given: `tablejohn.db` in the state folder.
    public static func defaultDatabasePath(for repository: GitRepository) -> String {
        stateDirectory(for: repository) + "/tablejohn.db"
    }

    /// The control socket sits next to the database: `tablejohn.db` → `tablejohn.sock`.
    public static func defaultSocketPath(database: String) -> String {
        (database.hasSuffix(".db") ? String(database.dropLast(3)) : database) + ".sock"
    }

    private static func openRepository(_ settings: TablejohnConfiguration.Repo, logger: Logger) throws -> GitRepository {
        let path = settings.path ?? FileManager.default.currentDirectoryPath
        if let url = settings.url, !FileManager.default.fileExists(atPath: path) {
            logger.info("cloning", metadata: ["url": "\(url)", "path": "\(path)"])
            do {
                return try GitRepository.cloneBare(url: url, to: path)
            } catch let error as GitError {
                throw DaemonError.cloneFailed(url: url, path: path, reason: error.message)
            }
        }
        do {
            return try GitRepository(opening: path)
        } catch let error as GitError {
            throw DaemonError.noRepository(path: path, reason: error.message)
        }
    }

    /// Runs the web server and the sync loop until SIGTERM or SIGINT. A second signal
    /// during shutdown ends the process at once.
    public func run() async throws {
        let repositoryPath = repository.workingDirectory ?? repository.gitDirectory
        let resolver = RevisionResolver(store: store, repository: repository)
        let localToken = localRunner ? RunnerToken.generate() : nil
        // Status calls read the queue and a token each: through a connection of their own,
        // a read costs a few microseconds instead of a pool checkout and a transaction.
        let runners = RunnerAPI(store: try store.withDedicatedReader(), bench: configuration.bench, repository: repository, benchRepository: benchRepository,
                                    sharedTokens: [configuration.web.runnerToken].compactMap { $0 },
                                    localRunner: localToken.map { (configuration.runner.name ?? "local", $0) },
                                    reservationTimeout: configuration.web.runnerTimeout, archiveLimits: configuration.repo.archiveLimits,
                                    metrics: metrics, affinityTimeout: configuration.detect.affinityTimeout)
        var web = WebContext(store: store, sync: sync.status, repositoryPath: repositoryPath, resolver: resolver, runners: runners,
                             isPublic: configuration.web.isPublic, syncService: sync)
        web.hookSecret = configuration.repo.hookSecret
        web.metrics = metrics
        web.metricsToken = configuration.web.metricsToken
        web.basePath = configuration.web.basePath
        web.hostPolicy = HostPolicy(listenHost: configuration.web.address.host, allowedHosts: configuration.web.allowedHosts)
        let (listening, announceListening) = AsyncStream<Void>.makeStream()
        let app = web.application(address: configuration.web.address, idleTimeout: configuration.web.idleTimeout,
                                  maxConnections: configuration.web.maxConnections, logger: logger,
                                  onListening: { announceListening.yield(); announceListening.finish() })
        // The control socket's calls are served one at a time on its own thread, so
        // they read through a connection of their own instead of the shared pool.
        let controlStore = try store.withDedicatedReader()
        var methods = ControlMethods(store: controlStore, exportStore: store, sync: sync,
                                     resolver: RevisionResolver(store: controlStore, repository: repository),
                                     repositoryPath: repositoryPath, databasePath: databasePath, runners: runners)
        methods.sqlLimits = configuration.sql
        methods.metrics = metrics
        let rpc = RPCServer(path: socketPath, rpc: JSONRPCProtocol(handle: methods.handler), logger: logger)
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: sync), .init(service: rpc), .init(service: app)]
        if configuration.detect.enabled {
            services.append(.init(service: DetectionService(store: store, settings: configuration.detect,
                                                            hooks: configuration.hooks.all, logger: logger, metrics: metrics)))
        }
        if !configuration.hooks.all.isEmpty {
            services.append(.init(service: WebhookService(store: store, logger: logger, chatURLs: Set(configuration.hooks.slack),
                                                          publicURL: configuration.web.publicURL)))
        }
        if let afterDays = configuration.archive.afterDays {
            services.append(.init(service: ArchiveService(store: store, afterDays: afterDays, keepLast: configuration.archive.keepLast,
                                                          logger: logger)))
        }
        if let localToken {
            if configuration.bench.initialBackfill > 0 {
                // Done once: its end must not end the group.
                services.append(.init(service: InitialBackfillService(store: store, sync: sync.status,
                                                                      count: configuration.bench.initialBackfill, logger: logger),
                                      successTerminationBehavior: .ignore))
            }
            let settings = localRunnerSettings(token: localToken)
            services.append(.init(service: StartAfterListening(make: { [logger] in RunnerDaemon(settings: settings, logger: logger) },
                                                               listening: listening)))
        }
        var groupConfiguration = ServiceGroupConfiguration(
            services: services,
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger)
        groupConfiguration.maximumGracefulShutdownDuration = .seconds(15)
        let escalation = SignalEscalation(logger: logger)
        logger.info("tablejohn serving", metadata: [
            "url": "http://\(configuration.web.address)\(configuration.web.basePath.value)/", "database": "\(databasePath)", "socket": "\(socketPath)",
            "repository": "\(repositoryPath)",
        ])
        try await ServiceGroup(configuration: groupConfiguration).run()
        logger.info("tablejohn stopped")
        withExtendedLifetime((escalation, lock)) {}
    }

    /// The local runner: named `local` (or `[runner] name`), calling this server on loopback
    /// with a token made for this process.
    private func localRunnerSettings(token: String) -> RunnerDaemon.Settings {
        let address = configuration.web.address
        let host = switch address.host {
        case "0.0.0.0", "": "127.0.0.1"
        case "::": "[::1]"
        case let host where host.contains(":"): "[\(host)]"
        case let host: host
        }
        var runner = configuration.runner
        runner.name = runner.name ?? "local"
        runner.servers = [.init(url: "http://\(host):\(address.port)\(configuration.web.basePath.value)", token: token)]
        var settings = RunnerDaemon.Settings(runner)
        // Unacknowledged results belong to this repository's server: kept beside its database.
        if runner.workDirectory == nil {
            settings.pendingDirectory = URL(fileURLWithPath: databasePath).deletingLastPathComponent().appendingPathComponent("runner-pending").path
        }
        return settings
    }
}
