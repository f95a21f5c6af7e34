// Threads of tablejohn's own for an operator's long database work: SQL queries and backups.
import NIOPosix

/// Two threads for `db.query` and `db.backup`. Each blocks its thread for up to the
/// query's time limit or the whole copy; on the control socket's thread that would stall
/// every other admin call, and on Swift's cooperative pool (two threads on a small
/// server) the sync loop and detection. More calls wait their turn.
enum OperationsWorkers {
    static let threadCount = 2

    private static let pool: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: threadCount)
        pool.start()
        return pool
    }()

    /// Runs `body` on one of the pool's threads and returns its result.
    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await pool.runIfActive(body)
    }
}
