// Runners and their tokens: issued once, kept as SHA-256 digests, checked in constant time.
import Crypto
import Foundation
import GRDB

/// A runner the server knows, as `runners.list` shows it.
struct RunnerRecord: Sendable, Equatable {
    var name: String
    /// When its token was issued; nil for a runner using the shared token.
    var created: Int64?
    var lastSeen: Int64?
    var fingerprint: JSONValue?
}

enum RunnerError: Error, Equatable, CustomStringConvertible {
    case invalidName(String)
    case exists(String)
    case unknown(String)

    var description: String {
        switch self {
        case .invalidName(let name):
            "runner name \(name.debugDescription) must be 1 to 64 letters, digits, dots, dashes or underscores"
        case .exists(let name): "a runner named \(name) exists; revoke it first to issue a new token"
        case .unknown(let name): "no runner named \(name)"
        }
    }
}

extension Store {
    /// Registers a runner and returns its token, which is not stored and cannot be shown again.
    func addRunner(_ name: String, now: Int64) throws -> String {
        guard RunnerToken.isValidName(name) else { throw RunnerError.invalidName(name) }
        let token = RunnerToken.generate()
        try writer.write { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM runners WHERE name = ?", arguments: [name]) != true else {
                throw RunnerError.exists(name)
            }
            try db.execute(sql: "INSERT INTO runners (name, token_sha256, created) VALUES (?, ?, ?)",
                           arguments: [name, RunnerToken.digest(token), now])
        }
        runnerTokens.invalidate()
        return token
    }

    /// Removes a runner: its token stops working at once.
    func revokeRunner(_ name: String) throws {
        try writer.write { db in
            try db.execute(sql: "DELETE FROM runners WHERE name = ?", arguments: [name])
            guard db.changesCount == 1 else { throw RunnerError.unknown(name) }
        }
        runnerTokens.invalidate()
    }

    /// Whether `token` is the token issued to runner `name`. Checked against the digests
    /// kept in memory (`RunnerTokenTable`), so the runner API's per-request check reads
    /// the database only after a runner was added or revoked.
    func runnerTokenMatches(name: String, token: String) throws -> Bool {
        let stored = try runnerTokenDigests()[name]
        // A missing runner costs the same digest as a wrong token.
        return RunnerToken.equalInConstantTime(RunnerToken.digest(token), stored ?? Data(count: 32)) && stored != nil
    }

    /// Every registered runner's token digest, by name.
    func runnerTokenDigests() throws -> [String: Data] {
        try runnerTokens.digests {
            try read { db in
                var digests: [String: Data] = [:]
                let rows = try Row.fetchCursor(db, sql: "SELECT name, token_sha256 FROM runners")
                while let row = try rows.next() {
                    if let digest = row[1] as Data? { digests[row[0]] = digest }
                }
                return digests
            }
        }
    }

    /// Notes a runner's status call: when, and the fingerprint it reported.
    public func runnerSeen(_ name: String, at now: Int64, fingerprint: JSONValue?) throws {
        let text = try fingerprint.map { try $0.jsonString() }
        try writer.write { db in
            try db.execute(sql: "UPDATE runners SET last_seen = ?, fingerprint = coalesce(?, fingerprint) WHERE name = ?",
                           arguments: [now, text, name])
        }
    }

    func runners() throws -> [RunnerRecord] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT name, created, last_seen, fingerprint FROM runners ORDER BY name").map { row in
                RunnerRecord(name: row[0], created: row[1], lastSeen: row[2],
                             fingerprint: (row[3] as String?).flatMap { try? JSONValue.parse($0) })
            }
        }
    }
}
