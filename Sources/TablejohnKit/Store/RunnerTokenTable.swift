// Runners' token digests in memory: the runner API checks credentials without a database read.
import Foundation
import Synchronization

/// Every registered runner's token digest, read from `runners` once and again after each
/// change (`Store.addRunner`, `Store.revokeRunner` invalidate it when their write commits).
///
/// A table being read while a change commits is not kept: the generation it was read
/// under is stale by then, so the next check reads again. A revoke therefore counts for
/// every check that starts after it returns.
final class RunnerTokenTable: Sendable {
    private struct State {
        var digests: [String: Data]?
        var generation: UInt64 = 0
    }

    private let state = Mutex(State())

    /// The digests by runner name, read with `load` when no current table is kept.
    func digests(load: () throws -> [String: Data]) throws -> [String: Data] {
        let (kept, generation) = state.withLock { ($0.digests, $0.generation) }
        if let kept { return kept }
        let loaded = try load()
        state.withLock { state in
            if state.generation == generation { state.digests = loaded }
        }
        return loaded
    }

    /// Forgets the table; call it after a change to `runners` tokens has committed.
    func invalidate() {
        state.withLock { state in
            state.digests = nil
            state.generation &+= 1
        }
    }
}
