// Walking parent edges stored by the importer: the ancestor a few ~N/^N steps name.
import GRDB

extension Store {
    /// The hash of the commit reached from `hash` by following, in order, the parent at
    /// each of `parentPositions` (0 is the first parent), or nil when a commit on the way
    /// has no such parent. One read transaction, one indexed lookup per step.
    func ancestor(of hash: String, parentPositions: [Int]) throws -> String? {
        try read { db in
            guard var id = try Int64.fetchOne(db, sql: "SELECT id FROM commits WHERE hash = ?", arguments: [hash]) else {
                return nil
            }
            guard !parentPositions.isEmpty else { return hash }
            let parent = try db.cachedStatement(sql: "SELECT parent FROM commit_parents WHERE child = ? AND position = ?")
            for position in parentPositions {
                guard let next = try Int64.fetchOne(parent, arguments: [id, position]) else { return nil }
                id = next
            }
            return try String.fetchOne(db, sql: "SELECT hash FROM commits WHERE id = ?", arguments: [id])
        }
    }

    /// The hashes of stored commits starting with `prefix` (lowercase hex), at most `limit`.
    func hashes(withPrefix prefix: String, limit: Int) throws -> [String] {
        try read { db in
            try String.fetchAll(db, sql: "SELECT hash FROM commits WHERE hash >= ? AND hash < ? ORDER BY hash LIMIT ?",
                                arguments: [prefix, prefix + "g", limit])
        }
    }
}
