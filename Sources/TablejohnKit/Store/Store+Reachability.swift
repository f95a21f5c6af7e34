// Which commits are reachable from refs and from tracked refs.
import GRDB
import GRDBSQLite

/// How a commit can be reached, stored in `commits.reachable`.
enum Reachability: Int, Sendable, Comparable {
    case unreachable = 0
    case fromRef = 1
    case fromTrackedRef = 2

    static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

extension Store {
    /// Raises the reachability of everything reachable from `tips` to at least the
    /// given level, walking parents and stopping where a commit already has it.
    /// Cheap for the usual case of a ref moving forward by a few commits.
    static func raiseReachability(_ db: Database, from tips: [(commit: Int64, level: Reachability)]) throws -> Int {
        let current = try db.makeStatement(sql: "SELECT reachable FROM commits WHERE id = ?")
        let parents = try db.makeStatement(sql: "SELECT parent FROM commit_parents WHERE child = ?")
        let update = try db.makeStatement(sql: "UPDATE commits SET reachable = ? WHERE id = ?")
        var changed = 0
        for (tip, level) in tips {
            var stack = [tip]
            while let id = stack.popLast() {
                let have = try Int.fetchOne(current, arguments: [id]) ?? Reachability.fromTrackedRef.rawValue
                guard have < level.rawValue else { continue }
                try update.execute(arguments: [level.rawValue, id])
                changed += 1
                stack.append(contentsOf: try Int64.fetchAll(parents, arguments: [id]))
            }
        }
        return changed
    }

    /// Recomputes reachability of every commit from the current refs, in memory, and
    /// writes only the rows whose value changed. Used after a large import and whenever
    /// reachability may have shrunk (a ref deleted, force-pushed or untracked).
    static func recomputeReachability(_ db: Database) throws -> Int {
        let maxID = Int(try Int64.fetchOne(db, sql: "SELECT coalesce(max(id), 0) FROM commits") ?? 0)
        guard maxID > 0 else { return 0 }

        // Parent lists as compressed rows: parents of c are edges[offsets[c]..<offsets[c+1]].
        var offsets = [Int32](repeating: 0, count: maxID + 2)
        var edges: [Int32] = []
        edges.reserveCapacity(maxID + maxID / 8)
        var lastChild = 0
        try forEachIntegerPair(db, sql: "SELECT child, parent FROM commit_parents ORDER BY child, position") { child, parent in
            while lastChild < Int(child) { lastChild += 1; offsets[lastChild] = Int32(edges.count) }
            edges.append(Int32(parent))
        }
        while lastChild <= maxID { lastChild += 1; offsets[lastChild] = Int32(edges.count) }

        var level = [UInt8](repeating: 0, count: maxID + 1)
        let tips = try Row.fetchAll(db, sql: "SELECT commit_id, tracked FROM refs ORDER BY tracked DESC")
        for tip in tips {
            let mark: UInt8 = (tip[1] as Int) == 1 ? 2 : 1
            var stack = [Int(tip[0] as Int64)]
            while let id = stack.popLast() {
                guard level[id] < mark else { continue }
                level[id] = mark
                for edge in Int(offsets[id])..<Int(offsets[id + 1]) { stack.append(Int(edges[edge])) }
            }
        }

        var changed: [Int64] = []
        var stored = 0
        try forEachIntegerPair(db, sql: "SELECT id, reachable FROM commits") { id, value in
            stored += 1
            if value != Int64(level[Int(id)]) { changed.append(id) }
        }
        guard !changed.isEmpty else { return 0 }

        // When most rows change (a first import), three statements beat a million.
        if changed.count > stored / 4 {
            try db.execute(sql: "CREATE TEMP TABLE reachability_update (id INTEGER PRIMARY KEY, value INTEGER NOT NULL)")
            defer { try? db.execute(sql: "DROP TABLE temp.reachability_update") }
            let insert = try db.makeStatement(sql: "INSERT INTO reachability_update (id, value) VALUES (?, ?)")
            for id in changed { try executeIntegerPair(insert, id, Int64(level[Int(id)])) }
            try db.execute(sql: """
                UPDATE commits SET reachable = u.value FROM reachability_update u WHERE commits.id = u.id
                """)
        } else {
            let update = try db.makeStatement(sql: "UPDATE commits SET reachable = ? WHERE id = ?")
            for id in changed { try executeIntegerPair(update, Int64(level[Int(id)]), id) }
        }
        return changed.count
    }

    /// Steps through a query of two integer columns with SQLite's C API (a million rows
    /// through `Row` took seconds).
    private static func forEachIntegerPair(_ db: Database, sql: String, _ body: (Int64, Int64) -> Void) throws {
        let statement = try db.makeStatement(sql: sql)
        let handle = statement.sqliteStatement
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { return }
            guard code == SQLITE_ROW else { throw sqliteError(handle, code) }
            body(sqlite3_column_int64(handle, 0), sqlite3_column_int64(handle, 1))
        }
    }

    private static func executeIntegerPair(_ statement: Statement, _ first: Int64, _ second: Int64) throws {
        let handle = statement.sqliteStatement
        sqlite3_reset(handle)
        sqlite3_bind_int64(handle, 1, first)
        sqlite3_bind_int64(handle, 2, second)
        let code = sqlite3_step(handle)
        guard code == SQLITE_DONE else { throw sqliteError(handle, code) }
    }

    static func sqliteError(_ handle: SQLiteStatement, _ code: Int32) -> DatabaseError {
        DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(sqlite3_db_handle(handle))))
    }
}
