// Web users and their sessions: passwords kept as bcrypt hashes, session tokens as SHA-256 digests.
import Foundation
import GRDB

/// A user as `users.list` shows it.
struct UserRecord: Sendable, Equatable {
    var name: String
    var admin: Bool
    /// Unix milliseconds.
    var created: Int64
    /// Sessions that have not expired.
    var sessions: Int
}

/// A logged-in browser, as the session cookie names it.
struct UserSession: Sendable, Equatable {
    var user: String
    var admin: Bool
    /// The token every form of this session carries.
    var csrfToken: String
    /// Unix milliseconds.
    var expires: Int64
}

public enum UserError: Error, Equatable, CustomStringConvertible {
    case invalidName(String, reason: String)
    case invalidPassword(String)
    case exists(String)
    case unknown(String)

    public var description: String {
        switch self {
        case .invalidName(let name, let reason): "user name \(name.debugDescription) \(reason)"
        case .invalidPassword(let reason): "the password \(reason)"
        case .exists(let name): "a user named \(name) exists; use users.passwd to change the password"
        case .unknown(let name): "no user named \(name)"
        }
    }
}

/// What makes a user name or a password acceptable.
public enum UserAccount {
    static let maximumNameLength = 64
    static let minimumPasswordLength = 8
    /// bcrypt reads at most 72 bytes; a longer password would be cut silently.
    static let maximumPasswordBytes = 72
    /// How long a session lasts from login: fixed, not extended by use, so reading a
    /// page never writes to the database.
    static let sessionLifetime: Duration = .seconds(30 * 24 * 3600)
    static var sessionLifetimeMilliseconds: Int64 { sessionLifetime.components.seconds * 1000 }

    public static func validate(name: String) throws(UserError) {
        if name.isEmpty { throw .invalidName(name, reason: "must not be empty") }
        if name.count > maximumNameLength { throw .invalidName(name, reason: "is longer than \(maximumNameLength) characters") }
        if name.hasControlCharacters {
            throw .invalidName(name, reason: "must not contain control characters")
        }
        if name.first?.isWhitespace == true || name.last?.isWhitespace == true {
            throw .invalidName(name, reason: "must not start or end with a space")
        }
    }

    public static func validate(password: String) throws(UserError) {
        if password.count < minimumPasswordLength {
            throw .invalidPassword("must be at least \(minimumPasswordLength) characters")
        }
        if password.utf8.count > maximumPasswordBytes {
            throw .invalidPassword("must be at most \(maximumPasswordBytes) bytes (bcrypt ignores the rest)")
        }
        if password.utf8.contains(0) { throw .invalidPassword("must not contain NUL characters") }
    }
}

extension Store {
    /// Adds a user with an already hashed password.
    func addUser(_ name: String, passwordHash: String, admin: Bool, now: Int64) throws {
        try UserAccount.validate(name: name)
        try writer.write { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM users WHERE name = ?", arguments: [name]) != true else {
                throw UserError.exists(name)
            }
            try db.execute(sql: "INSERT INTO users (name, password_hash, admin, created) VALUES (?, ?, ?, ?)",
                           arguments: [name, passwordHash, admin, now])
        }
    }

    /// Replaces a user's password hash and ends all their sessions.
    func setPasswordHash(_ name: String, passwordHash: String) throws {
        try writer.write { db in
            try db.execute(sql: "UPDATE users SET password_hash = ? WHERE name = ?", arguments: [passwordHash, name])
            guard db.changesCount == 1 else { throw UserError.unknown(name) }
            try db.execute(sql: "DELETE FROM sessions WHERE user = ?", arguments: [name])
        }
    }

    /// Removes a user; their sessions go with them (ON DELETE CASCADE).
    func removeUser(_ name: String) throws {
        try writer.write { db in
            try db.execute(sql: "DELETE FROM users WHERE name = ?", arguments: [name])
            guard db.changesCount == 1 else { throw UserError.unknown(name) }
        }
    }

    func users(now: Int64) throws -> [UserRecord] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT u.name, u.admin, u.created,
                       (SELECT count(*) FROM sessions s WHERE s.user = u.name AND s.expires > ?)
                FROM users u ORDER BY u.name
                """, arguments: [now]).map { row in
                UserRecord(name: row[0], admin: row[1], created: row[2], sessions: row[3])
            }
        }
    }

    /// The stored bcrypt hash of `name`'s password; nil for an unknown user.
    func passwordHash(user name: String) throws -> String? {
        try read { db in
            try String.fetchOne(db.cachedStatement(sql: "SELECT password_hash FROM users WHERE name = ?"), arguments: [name])
        }
    }

    /// Starts a session for `user` and returns its cookie token (not stored; only its
    /// SHA-256 is) and CSRF token. Sessions that have expired are deleted on the way.
    func createSession(user: String, now: Int64) throws -> (token: String, csrfToken: String) {
        let token = RunnerToken.generate()
        let csrfToken = RunnerToken.generate()
        try writer.write { db in
            try db.execute(sql: "DELETE FROM sessions WHERE expires <= ?", arguments: [now])
            try db.execute(sql: "INSERT INTO sessions (token_sha256, user, csrf_token, created, expires) VALUES (?, ?, ?, ?, ?)",
                           arguments: [RunnerToken.digest(token), user, csrfToken, now,
                                       now + UserAccount.sessionLifetimeMilliseconds])
        }
        return (token, csrfToken)
    }

    /// The unexpired session whose cookie token is `token`: one read of the primary key.
    func session(token: String, now: Int64) throws -> UserSession? {
        try readStatement { db in
            try Row.fetchOne(db.cachedStatement(sql: """
                SELECT s.user, u.admin, s.csrf_token, s.expires FROM sessions s CROSS JOIN users u ON u.name = s.user
                WHERE s.token_sha256 = ? AND s.expires > ?
                """), arguments: [RunnerToken.digest(token), now]).map { row in
                UserSession(user: row[0], admin: row[1], csrfToken: row[2], expires: row[3])
            }
        }
    }

    /// Ends the session whose cookie token is `token` (logging out); false if there was none.
    @discardableResult
    func endSession(token: String) throws -> Bool {
        try writer.write { db in
            try db.execute(sql: "DELETE FROM sessions WHERE token_sha256 = ?", arguments: [RunnerToken.digest(token)])
            return db.changesCount == 1
        }
    }
}
