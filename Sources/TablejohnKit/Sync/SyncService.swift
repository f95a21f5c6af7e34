// The recurring fetch → import → queue loop.
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Keeps the database in step with the repository: every `interval`, and whenever
/// `requestSync()` is called, it fetches (when a remote URL is configured), imports
/// and queues. A failing round logs a warning and the next round tries again.
final class SyncService: Service, Sendable {
    let status = SyncStatus()
    private let repository: GitRepository
    private let store: Store
    private let remote: RemoteSettings?
    private let interval: Duration
    private let logger: Logger
    private let metrics: DaemonMetrics?
    private let triggers: AsyncStream<Void>
    private let trigger: AsyncStream<Void>.Continuation

    /// Where and what to fetch.
    struct RemoteSettings: Sendable {
        var url: String
        var refspecs: [String]
        init(url: String, refspecs: [String]) {
            self.url = url
            self.refspecs = refspecs
        }
    }

    init(repository: GitRepository, store: Store, remote: RemoteSettings?, interval: Duration, logger: Logger,
                metrics: DaemonMetrics? = nil) {
        self.metrics = metrics
        self.repository = repository
        self.store = store
        self.remote = remote
        self.interval = interval
        self.logger = logger
        (triggers, trigger) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Asks for a round as soon as the current one (if any) ends.
    func requestSync() { trigger.yield() }

    func run() async throws {
        trigger.yield()  // the first round starts at once
        await withDiscardingTaskGroup { group in
            group.addTask { [trigger, interval] in
                while !Task.isCancelled {
                    try? await Task.sleep(for: interval)
                    trigger.yield()
                }
            }
            for await _ in triggers.cancelOnGracefulShutdown() {
                // A shutdown interrupts a long import; it starts over next time.
                _ = await cancelWhenGracefulShutdown { await self.runRound() }
            }
            group.cancelAll()
        }
    }

    /// Runs one round off the cooperative thread pool (libgit2 and SQLite block).
    /// Returns the import report, or nil when the round failed.
    @discardableResult
    func runRound() async -> ImportReport? {
        let stop = Atomic<Bool>(false)
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<ImportReport?, Never>) in
                Self.queue.async { [self] in
                    continuation.resume(returning: roundBlocking(shouldStop: { stop.load(ordering: .relaxed) }))
                }
            }
        } onCancel: {
            stop.store(true, ordering: .relaxed)
        }
    }

    private static let queue = DispatchQueue(label: "tablejohn.sync")

    private func roundBlocking(shouldStop: @escaping @Sendable () -> Bool) -> ImportReport? {
        let roundStarted = ContinuousClock.now
        do {
            if let remote {
                status.update { $0.phase = .fetching }
                let started = ContinuousClock.now
                try repository.fetch(url: remote.url, refspecs: remote.refspecs)
                logger.debug("fetched", metadata: ["url": "\(remote.url)", "duration": "\(ContinuousClock.now - started)"])
            }
            status.update { $0.phase = .importing(commits: 0) }
            var importer = Importer(repository: repository, store: store, logger: logger)
            importer.shouldStop = shouldStop
            importer.progress = { [status] count in status.update { $0.phase = .importing(commits: count) } }
            let report = try importer.run()
            status.update {
                $0.phase = .waiting
                $0.lastSuccess = Date()
                $0.lastError = nil
                $0.rounds += 1
            }
            metrics?.syncRound(duration: ContinuousClock.now - roundStarted, succeeded: true, at: Date())
            if !report.unchanged {
                logger.info("synced", metadata: [
                    "new_commits": "\(report.newCommits)", "refs_changed": "\(report.refsChanged)",
                    "queued": "\(report.queued)",
                ])
            }
            return report
        } catch is ImportCancelled {
            status.update { $0.phase = .waiting }
            logger.info("import interrupted by shutdown; it starts over next time")
            return nil
        } catch {
            status.update {
                $0.phase = .waiting
                $0.lastError = "\(error)"
                $0.rounds += 1
            }
            metrics?.syncRound(duration: ContinuousClock.now - roundStarted, succeeded: false, at: Date())
            logger.warning("sync failed; retrying next round", metadata: ["error": "\(error)"])
            return nil
        }
    }
}
