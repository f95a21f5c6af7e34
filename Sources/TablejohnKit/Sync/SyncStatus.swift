// What the sync loop is doing, shared with the pages that report it.
import Foundation
import Synchronization

/// A snapshot of the sync loop's state.
public struct SyncState: Sendable, Equatable {
    public enum Phase: Sendable, Equatable {
        case waiting
        case fetching
        case importing(commits: Int)
    }

    public var phase: Phase = .waiting
    public var lastSuccess: Date?
    /// The last round's error, cleared by a successful round.
    public var lastError: String?
    public var rounds = 0
}

/// Thread-safe holder of the sync loop's state.
public final class SyncStatus: Sendable {
    private let state = Mutex(SyncState())

    public init() {}

    public var snapshot: SyncState { state.withLock { $0 } }

    func update(_ change: (inout SyncState) -> Void) {
        state.withLock { change(&$0) }
    }
}
