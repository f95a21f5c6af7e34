import Foundation
import Logging
import Testing
import TestSupport
@testable import TablejohnKit

@Suite("User RPC methods")
struct UserMethodsTests {
    let store: Store
    let methods: ControlMethods

    init() throws {
        let repo = try TestRepository()
        try repo.commit("base")
        store = try Store.inMemory()
        let git = try GitRepository(opening: repo.path)
        let sync = SyncService(repository: git, store: store, remote: nil, interval: .seconds(60), logger: Logger(label: "test"))
        var methods = ControlMethods(store: store, sync: sync, resolver: RevisionResolver(store: store, repository: git),
                                     repositoryPath: repo.path, databasePath: ":memory:")
        methods.passwordHasher = PasswordHasher(cost: 4)
        self.methods = methods
    }

    func call(_ method: String, _ params: JSONValue) async throws -> JSONValue {
        try await methods.call(method, params)
    }

    /// The error a call fails with, after any deferred work.
    func rpcError(_ method: String, _ params: JSONValue) async -> RPCError? {
        do {
            if case .deferred(let work) = try methods.handler(method, params) { _ = try await work() }
            return nil
        } catch {
            return error
        }
    }

    @Test("users.add stores a bcrypt hash, users.list shows the user, users.remove removes them")
    func addListRemove() async throws {
        let added = try await call("users.add", ["name": "ada", "password": "correct horse", "admin": true])

        #expect(added == ["name": "ada", "admin": true])
        let hash = try #require(try store.passwordHash(user: "ada"))
        #expect(hash.hasPrefix("$2b$04$"))
        #expect(!hash.contains("correct horse"))
        let list = try await call("users.list", [:])
        let user = try #require(list.arrayValue?.first)
        #expect(list.arrayValue?.count == 1)
        #expect(user["name"] == "ada")
        #expect(user["admin"] == true)
        #expect(user["sessions"] == 0)

        #expect(try await call("users.remove", ["name": "ada"]) == ["removed": "ada"])
        #expect(try await call("users.list", [:]) == [])
    }

    @Test("users.passwd changes the hash and ends the user's sessions")
    func passwd() async throws {
        _ = try await call("users.add", ["name": "ada", "password": "correct horse"])
        let before = try store.passwordHash(user: "ada")
        let session = try store.createSession(user: "ada", now: Timestamp.now())

        #expect(try await call("users.passwd", ["name": "ada", "password": "battery staple"]) == ["name": "ada"])

        #expect(try store.passwordHash(user: "ada") != before)
        #expect(try await PasswordHasher(cost: 4).verify("battery staple", hash: store.passwordHash(user: "ada")))
        #expect(try store.session(token: session.token, now: Timestamp.now()) == nil)
    }

    /// One refused call: method, params, the error's code and message.
    struct Refusal: Sendable, CustomTestStringConvertible {
        var method: String
        var params: JSONValue
        var code: Int
        var message: String
        var testDescription: String { "\(method) → \(code)" }

        init(_ method: String, _ params: JSONValue, _ code: Int, _ message: String) {
            self.method = method
            self.params = params
            self.code = code
            self.message = message
        }
    }

    static let longName = String(repeating: "n", count: 65)
    static let refusals: [Refusal] = [
        Refusal("users.add", ["name": "", "password": "correct horse"], -32602, "invalid params: \"name\" must not be empty"),
        Refusal("users.add", ["name": "tab\there", "password": "correct horse"], -32602,
                "invalid params: user name \"tab\\there\" must not contain control characters"),
        Refusal("users.add", ["name": .string(longName), "password": "correct horse"], -32602,
                "invalid params: user name \"\(longName)\" is longer than 64 characters"),
        Refusal("users.add", ["name": "bob", "password": "short"], -32602, "invalid params: the password must be at least 8 characters"),
        Refusal("users.add", ["name": "bob"], -32602, "invalid params: \"password\" is required"),
        Refusal("users.add", ["name": "ada", "password": "another one"], -32003, "a user named ada exists; use users.passwd to change the password"),
        Refusal("users.passwd", ["name": "ada", "password": "short"], -32602, "invalid params: the password must be at least 8 characters"),
        Refusal("users.passwd", ["name": "bob", "password": "long enough"], -32001, "no user named bob"),
        Refusal("users.remove", ["name": "bob"], -32001, "no user named bob"),
    ]

    @Test("bad names, short passwords, taken and unknown names are clear errors that change nothing", arguments: refusals)
    func errors(refusal: Refusal) async throws {
        _ = try await call("users.add", ["name": "ada", "password": "correct horse"])
        let hash = try store.passwordHash(user: "ada")

        let error = await rpcError(refusal.method, refusal.params)

        #expect(error?.code == refusal.code)
        #expect(error?.message == refusal.message)
        #expect(try store.users(now: Timestamp.now()).map(\.name) == ["ada"])
        #expect(try store.passwordHash(user: "ada") == hash)
    }
}
