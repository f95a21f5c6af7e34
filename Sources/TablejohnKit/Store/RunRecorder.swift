// Group commit for submitted runs: runs that arrive while a write is under way share the next one.
import Dispatch
import Synchronization

/// Stores runs for callers that wait for the result (the runner API's submissions).
///
/// A run that arrives while the writer is idle is written at once; runs that arrive
/// during a write wait for it to end and are then written together, in one transaction
/// with a savepoint each. Latency stays that of one write, and the commit cost is shared,
/// which is what lets many runners submit at once. The writes run on a dispatch queue
/// of their own, so waiting callers suspend instead of holding the task pool's threads.
final class RunRecorder: Sendable {
    private typealias Pending = (run: Run, continuation: CheckedContinuation<Bool, any Error>)

    private struct State {
        var pending: [Pending] = []
        var writing = false
    }

    private let store: Store
    private let state = Mutex(State())
    private let queue = DispatchQueue(label: "tablejohn.run-recorder")

    init(store: Store) {
        self.store = store
    }

    /// Stores `run` (see `Store.record`); returns false when a run with its id exists.
    func record(_ run: Run) async throws -> Bool {
        try await withCheckedThrowingContinuation { continuation in
            let startWriter = state.withLock { state in
                state.pending.append((run, continuation))
                defer { state.writing = true }
                return !state.writing
            }
            if startWriter { queue.async { self.drain() } }
        }
    }

    private func drain() {
        while true {
            let batch = state.withLock { state in
                defer { state.pending.removeAll() }
                if state.pending.isEmpty { state.writing = false }
                return state.pending
            }
            if batch.isEmpty { return }
            do {
                let results = try store.record(batch.map(\.run))
                for (pending, result) in zip(batch, results) { pending.continuation.resume(with: result) }
            } catch {
                for pending in batch { pending.continuation.resume(throwing: error) }
            }
        }
    }
}
