// Which commits are reachable from refs and from tracked refs.
import GRDB

/// How a commit can be reached, stored in `commits.reachable`.
public enum Reachability: Int, Sendable, Comparable {
    case unreachable = 0
    case fromRef = 1
    case fromTrackedRef = 2

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
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
    /// writes only the rows whose value changed. Used after the first import and
    /// whenever reachability may have shrunk (a ref deleted, force-pushed or untracked).
    static func recomputeReachability(_ db: Database) throws -> Int {
        let maxID = Int(try Int64.fetchOne(db, sql: "SELECT coalesce(max(id), 0) FROM commits") ?? 0)
        guard maxID > 0 else { return 0 }

        // Parent lists as compressed rows: parents of c are edges[offsets[c]..<offsets[c+1]].
        var offsets = [Int32](repeating: 0, count: maxID + 2)
        var edges: [Int32] = []
        edges.reserveCapacity(maxID + maxID / 8)
        var lastChild = 0
        let cursor = try Row.fetchCursor(db, sql: "SELECT child, parent FROM commit_parents ORDER BY child, position")
        while let row = try cursor.next() {
            let child: Int = row[0]
            while lastChild < child { lastChild += 1; offsets[lastChild] = Int32(edges.count) }
            edges.append(Int32(row[1] as Int))
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

        let update = try db.makeStatement(sql: "UPDATE commits SET reachable = ? WHERE id = ?")
        var changed: [(Int64, UInt8)] = []
        let stored = try Row.fetchCursor(db, sql: "SELECT id, reachable FROM commits")
        while let row = try stored.next() {
            let id: Int = row[0]
            let value: Int = row[1]
            if value != Int(level[id]) { changed.append((Int64(id), level[id])) }
        }
        for (id, value) in changed { try update.execute(arguments: [Int(value), id]) }
        return changed.count
    }
}
