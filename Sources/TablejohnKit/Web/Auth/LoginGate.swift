// The login route's guard: the throttle's waits, and a bound on password checks in flight.
import Foundation
import Synchronization

/// Shared by every login request of one server.
///
/// A bcrypt check of cost 12 takes about a quarter of a second of one core. Without a
/// bound, a flood of logins queues without end on NIO's blocking pool and a real user's
/// login waits behind all of it; past `maximumChecks` in flight a login is answered
/// 429 at once instead.
final class LoginGate: Sendable {
    enum Verdict: Equatable {
        case proceed
        /// Too many recent failures for this name or address.
        case wait(seconds: Int64)
        /// Too many checks running already.
        case busy
    }

    let maximumChecks: Int
    private let state = Mutex<(throttle: LoginThrottle, checks: Int)>((LoginThrottle(), 0))

    init(maximumChecks: Int = max(2, ProcessInfo.processInfo.activeProcessorCount * 4)) {
        self.maximumChecks = maximumChecks
    }

    /// Whether an attempt for these keys may check a password now; `.proceed` takes a
    /// check slot that `finish` gives back.
    func begin(_ keys: [String], now: Int64 = Timestamp.now()) -> Verdict {
        state.withLock { state in
            if let wait = state.throttle.wait(keys, now: now) { return .wait(seconds: (wait + 999) / 1000) }
            guard state.checks < maximumChecks else { return .busy }
            state.checks += 1
            return .proceed
        }
    }

    /// Gives back the slot of a `.proceed`, counting the outcome.
    func finish(_ keys: [String], succeeded: Bool, now: Int64 = Timestamp.now()) {
        state.withLock { state in
            state.checks -= 1
            if succeeded { state.throttle.succeeded(keys) } else { state.throttle.failed(keys, now: now) }
        }
    }
}
