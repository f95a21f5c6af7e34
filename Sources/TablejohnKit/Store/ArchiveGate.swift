// The lock that keeps a run from being seen in both databases, or in neither, while it moves.
import Foundation
import Synchronization

/// Readers that see the live database and the archive together take this shared; a move
/// or restore takes it exclusively around each batch.
///
/// SQLite makes each attached database's commit atomic, not a commit across two of them,
/// and a reader's snapshot of each database starts when it first touches it. A batch is
/// therefore copied in one transaction and removed from where it was in the next, and
/// while that happens no reader of both databases may open its snapshots: it would see
/// the batch twice, or (restoring, main read before the archive) not at all. Readers of
/// the live database alone never wait. Batches are short (a few hundred runs), so a reader
/// of the archive waits at most one batch.
final class ArchiveGate: @unchecked Sendable {
    private var lock = pthread_rwlock_t()
    /// Whether a move or restore is running: one at a time, so batches never interleave.
    private let moving = Mutex(false)

    init() {
        pthread_rwlock_init(&lock, nil)
    }

    deinit {
        pthread_rwlock_destroy(&lock)
    }

    /// Runs `body`, a whole move or restore, unless one is already running.
    func mover<T>(_ body: () throws -> T) throws -> T {
        guard moving.withLock({ running in
            defer { running = true }
            return !running
        }) else { throw DatabaseArchiveError.busy }
        defer { moving.withLock { $0 = false } }
        return try body()
    }

    /// Runs `body` while no batch is moving.
    func shared<T>(_ body: () throws -> T) rethrows -> T {
        pthread_rwlock_rdlock(&lock)
        defer { pthread_rwlock_unlock(&lock) }
        return try body()
    }

    /// Runs `body` (one batch's copy and removal) while no reader of both databases is opening its snapshots.
    func exclusive<T>(_ body: () throws -> T) rethrows -> T {
        pthread_rwlock_wrlock(&lock)
        defer { pthread_rwlock_unlock(&lock) }
        return try body()
    }
}
