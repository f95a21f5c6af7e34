// What a user's SQL (`tjctl sql`, `db.query`) may do: the authorizer's rule, without I/O.

/// The rule SQLite's authorizer applies to every action a user's statement compiles to.
///
/// An allow-list: reading tables, calling functions, SELECT and recursive CTEs, and a few
/// informational PRAGMAs. Everything else (INSERT, UPDATE, DELETE, CREATE, DROP, ALTER,
/// ATTACH, DETACH, transactions, savepoints, ANALYZE, REINDEX, virtual tables, pragmas
/// that set something) is refused while the statement is compiled, before it runs. The
/// connection is also opened read-only with `PRAGMA query_only` and every statement must
/// pass `sqlite3_stmt_readonly`, so one hole in this list is not enough to write.
enum UserQueryPolicy {
    /// The authorizer's answer for one action.
    enum Decision: Equatable, Sendable {
        case allow
        /// Compile the statement, but read this column as NULL.
        case hide
        /// Refuse the statement; the reason is what the user reads.
        case refuse(String)
    }

    /// SQLite's action codes (sqlite3.h), by name, for messages.
    static let actionNames: [Int32: String] = [
        1: "CREATE INDEX", 2: "CREATE TABLE", 3: "CREATE TEMP INDEX", 4: "CREATE TEMP TABLE",
        5: "CREATE TEMP TRIGGER", 6: "CREATE TEMP VIEW", 7: "CREATE TRIGGER", 8: "CREATE VIEW",
        9: "DELETE", 10: "DROP INDEX", 11: "DROP TABLE", 12: "DROP TEMP INDEX", 13: "DROP TEMP TABLE",
        14: "DROP TEMP TRIGGER", 15: "DROP TEMP VIEW", 16: "DROP TRIGGER", 17: "DROP VIEW", 18: "INSERT",
        19: "PRAGMA", 20: "READ", 21: "SELECT", 22: "a transaction (BEGIN, COMMIT, ROLLBACK)", 23: "UPDATE",
        24: "ATTACH", 25: "DETACH", 26: "ALTER TABLE", 27: "REINDEX", 28: "ANALYZE",
        29: "CREATE VIRTUAL TABLE", 30: "DROP VIRTUAL TABLE", 31: "FUNCTION", 32: "SAVEPOINT", 33: "RECURSIVE",
    ]

    static let read: Int32 = 20
    static let select: Int32 = 21
    static let pragma: Int32 = 19
    static let function: Int32 = 31
    static let recursive: Int32 = 33

    /// PRAGMAs that only describe the schema; given a table or index name at most.
    static let informationalPragmas: Set<String> = [
        "table_info", "table_xinfo", "table_list", "index_list", "index_info", "index_xinfo",
        "foreign_key_list", "collation_list", "function_list", "pragma_list", "compile_options",
    ]

    /// Functions that reach outside the database, or whose two-argument form sets a pointer
    /// (`fts3_tokenizer`). `load_extension` is off in SQLite by default; refusing it here
    /// makes the error say so.
    static let refusedFunctions: Set<String> = ["load_extension", "fts3_tokenizer", "readfile", "writefile", "edit"]

    /// Tables whose reading would show raw database pages, password hashes and session
    /// tokens included.
    static let refusedTables: Set<String> = ["sqlite_dbpage", "dbstat"]

    /// Columns that hold secrets (password hashes, token digests, session tokens): they
    /// read as NULL, so query output can be pasted anywhere.
    static let hiddenColumns: [String: Set<String>] = [
        "users": ["password_hash"],
        "sessions": ["token_sha256", "csrf_token"],
        "runners": ["token_sha256"],
    ]

    /// The decision for one authorizer call: `action` is SQLite's action code, `first`
    /// and `second` its two detail arguments (table and column for READ, pragma name and
    /// value for PRAGMA, function name in `second` for FUNCTION).
    static func decide(action: Int32, first: String?, second: String?) -> Decision {
        switch action {
        case select, recursive:
            return .allow
        case read:
            let table = (first ?? "").lowercased()
            if refusedTables.contains(table) { return .refuse("reading \(table) is refused: it shows raw database pages") }
            if let column = second?.lowercased(), hiddenColumns[table]?.contains(column) == true { return .hide }
            return .allow
        case function:
            let name = (second ?? "").lowercased()
            return refusedFunctions.contains(name) ? .refuse("the function \(name)() is refused") : .allow
        case pragma:
            let name = (first ?? "").lowercased()
            guard informationalPragmas.contains(name) else {
                return .refuse("PRAGMA \(name) is refused; only \(informationalPragmas.sorted().joined(separator: ", ")) may be read")
            }
            return .allow
        case 9, 18, 23:
            // Also what CREATE, DROP and ANALYZE compile to first: a write to sqlite_schema or sqlite_stat1.
            return .refuse("\(actionNames[action] ?? "") \(action == 18 ? "into" : "on") \(first ?? "a table") is refused: tjctl sql only reads")
        default:
            let what = actionNames[action] ?? "action \(action)"
            return .refuse("\(what) is refused: tjctl sql only reads")
        }
    }
}
