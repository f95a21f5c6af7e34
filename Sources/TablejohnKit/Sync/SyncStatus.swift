// What the sync loop is doing, shared with the pages that report it.
import Foundation
import Synchronization

/// A snapshot of the sync loop's state.
struct SyncState: Sendable, Equatable {
    enum Phase: Sendable, Equatable {
        case waiting
        case fetching
        case importing(commits: Int)
    }

    var phase: Phase = .waiting
    var lastSuccess: Date?
    /// The last round's error, cleared by a successful round.
    var lastError: String?
    var rounds = 0
}

/// Thread-safe holder of the sync loop's state.
final class SyncStatus: Sendable {
    private let state = Mutex(SyncState())

    init() {}

    var snapshot: SyncState { state.withLock { $0 } }

    func update(_ change: (inout SyncState) -> Void) {
        state.withLock { change(&$0) }
    }
}
