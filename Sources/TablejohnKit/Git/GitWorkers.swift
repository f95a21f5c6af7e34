// Threads of tablejohn's own for libgit2 work that requests wait on.
import NIOPosix

/// A small thread pool for blocking libgit2 work started by requests (tree archives).
/// libgit2 blocks its thread; on Swift's cooperative pool (one thread per core, two on
/// a small server) two slow archives would stall every page and the runner API.
/// The pool is separate from `NIOThreadPool.singleton`, which password hashing uses.
enum GitWorkers {
    /// Enough for a few runners fetching archives at once; more wait their turn.
    static let threadCount = 4

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
