// The first-parent line of a commit as SQL: the one walk every query along a ref's history uses.

/// `WITH RECURSIVE line(id, depth)`: the commit `start` (depth 0) and its first parents,
/// newest first. A query appends its own `SELECT … FROM line`. Each step is one lookup in
/// the parent edges' primary key (child, position), so a walk costs its length.
enum FirstParentLine {
    /// - Parameters:
    ///   - start: an SQL expression giving the first commit's id (a placeholder, or a subquery).
    ///   - count: an SQL expression: at most this many commits; nil walks to the root.
    ///   - continueWhile: an SQL condition on `line.id`: the walk goes below a commit only while it holds.
    static func sql(from start: String = "?", count: String? = nil, continueWhile: String? = nil) -> String {
        let conditions = [count.map { "line.depth + 1 < \($0)" }, continueWhile].compactMap { $0 }
        return """
            WITH RECURSIVE line(id, depth) AS (
                SELECT \(start), 0
                UNION ALL
                SELECT p.parent, line.depth + 1 FROM line JOIN commit_parents p ON p.child = line.id AND p.position = 0
                \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")))

            """
    }
}
