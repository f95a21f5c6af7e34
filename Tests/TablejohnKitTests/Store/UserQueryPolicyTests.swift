import Testing
@testable import TablejohnKit

/// The authorizer's rule for `tjctl sql`, action by action, without a database.
@Suite("User query policy")
struct UserQueryPolicyTests {
    @Test("reading tables, selecting, recursion and ordinary functions are allowed")
    func reads() {
        #expect(UserQueryPolicy.decide(action: 21, first: nil, second: nil) == .allow)
        #expect(UserQueryPolicy.decide(action: 20, first: "runs", second: "id") == .allow)
        #expect(UserQueryPolicy.decide(action: 33, first: nil, second: nil) == .allow)
        #expect(UserQueryPolicy.decide(action: 31, first: nil, second: "json_extract") == .allow)
    }

    @Test("every writing action is refused with its name")
    func writes() {
        for (action, name) in [(9, "DELETE on runs"), (18, "INSERT into runs"), (23, "UPDATE on runs"), (24, "ATTACH"), (11, "DROP TABLE"),
                               (2, "CREATE TABLE"), (4, "CREATE TEMP TABLE"), (22, "a transaction"), (32, "SAVEPOINT"),
                               (26, "ALTER TABLE"), (28, "ANALYZE"), (29, "CREATE VIRTUAL TABLE")] {
            guard case .refuse(let reason) = UserQueryPolicy.decide(action: Int32(action), first: "runs", second: nil) else {
                Issue.record("action \(action) was not refused")
                continue
            }
            #expect(reason.hasPrefix(name), "\(reason)")
        }
    }

    @Test("only informational pragmas pass; writable_schema and query_only do not")
    func pragmas() {
        #expect(UserQueryPolicy.decide(action: 19, first: "table_info", second: "runs") == .allow)
        #expect(UserQueryPolicy.decide(action: 19, first: "TABLE_LIST", second: nil) == .allow)
        for pragma in ["writable_schema", "query_only", "journal_mode", "user_version", "wal_checkpoint", "integrity_check"] {
            guard case .refuse(let reason) = UserQueryPolicy.decide(action: 19, first: pragma, second: "1") else {
                Issue.record("PRAGMA \(pragma) was not refused")
                continue
            }
            #expect(reason.contains("PRAGMA \(pragma) is refused"))
        }
    }

    @Test("load_extension, fts3_tokenizer and raw pages are refused; secrets are hidden")
    func hostileReads() {
        #expect(UserQueryPolicy.decide(action: 31, first: nil, second: "LOAD_EXTENSION") == .refuse("the function load_extension() is refused"))
        #expect(UserQueryPolicy.decide(action: 31, first: nil, second: "fts3_tokenizer") == .refuse("the function fts3_tokenizer() is refused"))
        #expect(UserQueryPolicy.decide(action: 20, first: "sqlite_dbpage", second: "data") != .allow)
        #expect(UserQueryPolicy.decide(action: 20, first: "users", second: "password_hash") == .hide)
        #expect(UserQueryPolicy.decide(action: 20, first: "sessions", second: "token_sha256") == .hide)
        #expect(UserQueryPolicy.decide(action: 20, first: "runners", second: "token_sha256") == .hide)
        #expect(UserQueryPolicy.decide(action: 20, first: "users", second: "name") == .allow)
    }
}
