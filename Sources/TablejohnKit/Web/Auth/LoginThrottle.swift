// How many wrong passwords a user name and a client may try, and how long they wait after that.
import Foundation

/// Failed logins per key (a user name, a client address) and the wait they impose.
///
/// Five failures are free, so a user who mistypes is never slowed; each failure after
/// that doubles the wait, from 1 s up to 15 min. At 8 bcrypt checks per second on two
/// cores, guessing is slowed from ~700,000 tries a day to about a hundred per name and
/// per address. A success clears the name's and the address's count. Keys silent for an
/// hour are forgotten, and at most `capacity` keys are kept (the oldest go first), so a
/// flood of made-up names cannot grow the table.
struct LoginThrottle: Sendable {
    struct Entry: Sendable, Equatable {
        var failures: Int
        /// Unix milliseconds before which this key may not try again.
        var blockedUntil: Int64
        var lastFailure: Int64
    }

    static let freeFailures = 5
    static let firstWaitMilliseconds: Int64 = 1000
    static let longestWaitMilliseconds: Int64 = 15 * 60 * 1000
    static let forgetAfterMilliseconds: Int64 = 60 * 60 * 1000

    var capacity = 10_000
    private(set) var entries: [String: Entry] = [:]

    /// The keys a login attempt counts against.
    static func keys(user: String, client: String?) -> [String] {
        ["user:" + user.lowercased()] + (client.map { ["client:" + $0] } ?? [])
    }

    /// Milliseconds the attempt must wait, nil when it may go ahead.
    func wait(_ keys: [String], now: Int64) -> Int64? {
        let until = keys.compactMap { entries[$0]?.blockedUntil }.max() ?? 0
        return until > now ? until - now : nil
    }

    mutating func failed(_ keys: [String], now: Int64) {
        forgetStale(now: now)
        for key in keys {
            var entry = entries[key] ?? Entry(failures: 0, blockedUntil: 0, lastFailure: now)
            entry.failures += 1
            entry.lastFailure = now
            let over = entry.failures - Self.freeFailures
            if over > 0 {
                let doublings = Int64(min(over - 1, 20))
                entry.blockedUntil = now + min(Self.firstWaitMilliseconds << doublings, Self.longestWaitMilliseconds)
            }
            entries[key] = entry
        }
        while entries.count > capacity, let oldest = entries.min(by: { $0.value.lastFailure < $1.value.lastFailure }) {
            entries[oldest.key] = nil
        }
    }

    mutating func succeeded(_ keys: [String]) {
        for key in keys { entries[key] = nil }
    }

    private mutating func forgetStale(now: Int64) {
        entries = entries.filter { now - $0.value.lastFailure < Self.forgetAfterMilliseconds || $0.value.blockedUntil > now }
    }
}
