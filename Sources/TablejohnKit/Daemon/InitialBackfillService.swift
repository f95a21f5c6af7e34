// A first run that shows graphs: queues the tracked branch's recent history once, after the first import.
import Logging
import ServiceLifecycle

/// With a local runner and a database without runs, queues the last `count` commits of
/// the branch tracked by default (`[bench] initial-backfill`), so a new user sees lines
/// on `/graph/` within a minute instead of an empty page. Done once in the database's
/// life; it waits for the sync loop's first successful import, checking every 200 ms.
struct InitialBackfillService: Service {
    let store: Store
    let sync: SyncStatus
    let count: Int
    let logger: Logger
    /// Below new commits (0) and detection's bisection runs: history yields to fresh work.
    static let priority = -1

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            if sync.snapshot.lastSuccess != nil {
                do {
                    if let queued = try store.queueInitialBackfill(count: count, priority: Self.priority, now: Timestamp.now()) {
                        if !queued.isEmpty {
                            logger.info("queued the tracked branch's recent history for a first graph",
                                        metadata: ["commits": "\(queued.count)", "turn-off": "[bench] initial-backfill = 0"])
                        }
                        return
                    }
                } catch {
                    logger.warning("initial backfill failed; trying again", metadata: ["error": "\(error)"])
                }
            }
            try? await Task.sleep(for: .milliseconds(200))
        }
    }
}
