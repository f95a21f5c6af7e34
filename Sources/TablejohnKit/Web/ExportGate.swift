// How many CSV exports may stream at once: the rest get 503 with Retry-After.
import Synchronization

/// Counts exports in progress against a global limit. Each export starts worker
/// threads and keeps a few pages ready (about 16 MB for a reader that does not drain),
/// so a public route without a bound let anyone pile up threads and memory.
final class ExportGate: Sendable {
    /// Exports streaming at once unless configured otherwise.
    static let defaultLimit = 4
    /// What a refused client is told to wait, in seconds.
    static let retryAfterSeconds = 10

    let limit: Int
    private let running = Mutex(0)

    init(limit: Int = defaultLimit) { self.limit = limit }

    /// A permit when fewer than `limit` exports run; it ends with its last reference.
    func enter() -> Permit? {
        let admitted = running.withLock { count in
            guard count < limit else { return false }
            count += 1
            return true
        }
        return admitted ? Permit(gate: self) : nil
    }

    /// How many exports hold a permit.
    var count: Int { running.withLock { $0 } }

    fileprivate func leave() { running.withLock { $0 -= 1 } }

    /// One export's place. Released when the response body that holds it is done or
    /// dropped (a client that leaves before the body starts).
    final class Permit: Sendable {
        private let gate: ExportGate
        fileprivate init(gate: ExportGate) { self.gate = gate }
        deinit { gate.leave() }
    }
}
