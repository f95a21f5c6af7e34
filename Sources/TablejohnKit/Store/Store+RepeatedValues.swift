// The values of commits a runner measured more than once: what its run-to-run noise is measured from.
import GRDB

extension Store {
    /// For runner `name`'s last `limit` successful runs that did not share the machine with
    /// another run: each metric's values per commit, for the commits measured at least twice.
    func repeatedValues(runner name: String, limit: Int = 2000) throws -> [String: [Int64: [Double]]] {
        try read { db in
            let rows = try Row.fetchCursor(db.cachedStatement(sql: """
                WITH recent AS (
                    SELECT id, commit_id FROM runs
                    WHERE runner_name = ? AND exit_code = 0 AND coalesce(json_extract(conditions, '$.shared_machine'), 0) = 0
                    ORDER BY start_time DESC LIMIT ?)
                SELECT m.metric, r.commit_id, m.value FROM recent r CROSS JOIN measurements m ON m.run_id = r.id
                """), arguments: [name, limit])
            var values: [String: [Int64: [Double]]] = [:]
            while let row = try rows.next() {
                let value: Double = row[2]
                guard value.isFinite else { continue }
                values[row[0], default: [:]][row[1], default: []].append(value)
            }
            return values.compactMapValues { commits in
                let repeated = commits.filter { $0.value.count >= 2 }
                return repeated.isEmpty ? nil : repeated
            }
        }
    }
}
