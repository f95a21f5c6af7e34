import Foundation
import GRDB
import Testing
import TestSupport
@testable import TablejohnKit

@Suite("Users and sessions in the store")
struct UserStoreTests {
    let store: Store
    let now: Int64 = 1_800_000_000_000

    init() throws {
        store = try Store.inMemory()
        try store.addUser("ada", passwordHash: "$2b$04$hash-a", admin: true, now: now)
        try store.addUser("bob", passwordHash: "$2b$04$hash-b", admin: false, now: now)
    }

    @Test("a session is found by its token until it expires, and only a digest of the token is stored")
    func sessionLookup() throws {
        let session = try store.createSession(user: "ada", now: now)

        let found = try #require(try store.session(token: session.token, now: now + 1000))
        #expect(found.user == "ada")
        #expect(found.admin)
        #expect(found.csrfToken == session.csrfToken)
        #expect(found.expires == now + 30 * 24 * 3600 * 1000)
        #expect(try store.session(token: session.token, now: found.expires) == nil)
        #expect(try store.session(token: RunnerToken.generate(), now: now) == nil)
        let stored = try store.writer.read { db in try Data.fetchAll(db, sql: "SELECT token_sha256 FROM sessions") }
        #expect(stored == [RunnerToken.digest(session.token)])
    }

    @Test("a password change ends the user's sessions, and only theirs")
    func passwordChangeEndsSessions() throws {
        let ada = try store.createSession(user: "ada", now: now)
        let bob = try store.createSession(user: "bob", now: now)

        try store.setPasswordHash("ada", passwordHash: "$2b$04$new")

        #expect(try store.session(token: ada.token, now: now) == nil)
        #expect(try store.session(token: bob.token, now: now)?.user == "bob")
        #expect(try store.passwordHash(user: "ada") == "$2b$04$new")
    }

    @Test("removing a user ends their sessions; unknown users and taken names are errors")
    func removeAndErrors() throws {
        let bob = try store.createSession(user: "bob", now: now)

        try store.removeUser("bob")

        #expect(try store.session(token: bob.token, now: now) == nil)
        #expect(try store.users(now: now).map(\.name) == ["ada"])
        #expect(throws: UserError.unknown("bob")) { try store.removeUser("bob") }
        #expect(throws: UserError.unknown("bob")) { try store.setPasswordHash("bob", passwordHash: "x") }
        #expect(throws: UserError.exists("ada")) { try store.addUser("ada", passwordHash: "x", admin: false, now: now) }
        #expect(try store.passwordHash(user: "ada") == "$2b$04$hash-a")
    }

    @Test("users list with their open sessions; logging out ends one session")
    func listAndLogout() throws {
        let first = try store.createSession(user: "ada", now: now)
        _ = try store.createSession(user: "ada", now: now)

        #expect(try store.endSession(token: first.token))
        #expect(try !store.endSession(token: first.token))

        #expect(try store.users(now: now) == [UserRecord(name: "ada", admin: true, created: now, sessions: 1),
                                               UserRecord(name: "bob", admin: false, created: now, sessions: 0)])
    }

    @Test("sessions survive reopening the database file")
    func sessionsSurviveRestart() throws {
        let folder = try TemporaryFolder.make(prefix: "tj-sessions")
        let path = folder + "/tablejohn.db"
        var token = ""
        do {
            let first = try Store(path: path)
            try first.addUser("ada", passwordHash: "h", admin: true, now: now)
            token = try first.createSession(user: "ada", now: now).token
        }

        let reopened = try Store(path: path)

        #expect(try reopened.session(token: token, now: now + 1)?.user == "ada")
    }

    @Test("names and passwords are checked", arguments: [
        ("", "user name \"\" must not be empty"),
        (String(repeating: "x", count: 65), "user name \"\(String(repeating: "x", count: 65))\" is longer than 64 characters"),
        ("a\u{7}b", "user name \"a\\u{07}b\" must not contain control characters"),
        (" ada", "user name \" ada\" must not start or end with a space"),
    ])
    func badNames(name: String, message: String) {
        let error = #expect(throws: UserError.self) { try store.addUser(name, passwordHash: "h", admin: false, now: now) }
        #expect(error?.description == message)
    }

    @Test("passwords need 8 characters and fit bcrypt's 72 bytes")
    func passwords() throws {
        #expect(throws: UserError.invalidPassword("must be at least 8 characters")) { try UserAccount.validate(password: "short") }
        #expect(throws: UserError.self) { try UserAccount.validate(password: String(repeating: "é", count: 40)) }
        try UserAccount.validate(password: "correct horse")
        try UserAccount.validate(name: "Ada Lovelace")
    }
}
