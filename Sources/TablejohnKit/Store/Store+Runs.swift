// Runs and their measurements and output: recording, listing, reading, deleting.
import GRDB
import GRDBSQLite

/// Which runs a listing or export covers. Nil fields do not filter.
struct RunFilter: Sendable, Equatable {
    var commitID: Int64?
    /// Only runs of commits on this ref's first-parent history.
    var refCommitID: Int64?
    var metric: String?
    var runner: String?
    /// Unix milliseconds, inclusive lower and exclusive upper bound on the run's start.
    var since: Int64?
    var until: Int64?
    /// Run ids from `runIDsFrom` (inclusive) to `runIDsBefore` (exclusive): the segments
    /// of a parallel export.
    var runIDsFrom: String?
    var runIDsBefore: String?
    /// The ids of the commits with runs on `refCommitID`'s first-parent line, as a JSON
    /// array: `Store.resolvingRefLine` walks the line once for a whole export instead of
    /// once per page.
    var lineCommitIDs: String?
    /// Archived runs too, not only live ones (`tjctl … --include-archive`, `?archive=1`).
    var includeArchive = false

    /// The tables this filter reads: the live ones, or the views over live and archived rows.
    var runsTable: String { includeArchive ? "all_runs" : "runs" }
    var measurementsTable: String { includeArchive ? "all_measurements" : "measurements" }

    init(commitID: Int64? = nil, refCommitID: Int64? = nil, metric: String? = nil, runner: String? = nil,
                since: Int64? = nil, until: Int64? = nil) {
        self.commitID = commitID
        self.refCommitID = refCommitID
        self.metric = metric
        self.runner = runner
        self.since = since
        self.until = until
    }

    /// The SQL condition on `runs r`, with its arguments.
    func condition() -> (sql: String, arguments: StatementArguments) {
        var parts: [String] = []
        var arguments = StatementArguments()
        if let commitID { parts.append("r.commit_id = ?"); arguments += [commitID] }
        if let lineCommitIDs {
            parts.append("r.commit_id IN (SELECT value FROM json_each(?))")
            arguments += [lineCommitIDs]
        } else if let refCommitID {
            parts.append("r.commit_id IN (" + FirstParentLine.sql() + "SELECT id FROM line)")
            arguments += [refCommitID]
        }
        if let runner { parts.append("r.runner_name = ?"); arguments += [runner] }
        if let since { parts.append("r.start_time >= ?"); arguments += [since] }
        if let until { parts.append("r.start_time < ?"); arguments += [until] }
        if let runIDsFrom { parts.append("r.id >= ?"); arguments += [runIDsFrom] }
        if let runIDsBefore { parts.append("r.id < ?"); arguments += [runIDsBefore] }
        if let metric {
            parts.append("EXISTS (SELECT 1 FROM \(measurementsTable) m WHERE m.run_id = r.id AND m.metric = ?)")
            arguments += [metric]
        }
        return (parts.isEmpty ? "1" : parts.joined(separator: " AND "), arguments)
    }
}

extension Store {
    /// `filter` with its ref's first-parent line walked once: the commits on it that have
    /// runs, listed. An export's pages then look those up instead of walking the line
    /// again each (a recursive walk over the whole history, per page and per segment).
    func resolvingRefLine(_ filter: RunFilter) throws -> RunFilter {
        guard let refCommitID = filter.refCommitID, filter.lineCommitIDs == nil else { return filter }
        let ids = try readingArchive(filter.includeArchive) {
            try read { db in
                try Int64.fetchAll(db, sql: FirstParentLine.sql() + """
                    SELECT DISTINCT r.commit_id FROM \(filter.runsTable) r WHERE r.commit_id IN (SELECT id FROM line)
                    """, arguments: [refCommitID])
            }
        }
        var resolved = filter
        resolved.lineCommitIDs = "[" + ids.map(String.init).joined(separator: ",") + "]"
        return resolved
    }
}

/// A run in a listing: everything but its measurements and output.
struct RunSummary: Sendable, Equatable {
    var id: String
    var commit: String
    var benchMethod: String
    var runnerName: String?
    var start: Int64
    var end: Int64
    var exitCode: Int
    var origin: RunOrigin
    var measurementCount: Int
    /// The run is in the archive (listed with `RunFilter.includeArchive`).
    var archived = false
}

enum RunError: Error, Equatable, CustomStringConvertible {
    case unknownCommit(String)
    case unknownRun(String)
    /// A measurement whose unit cannot be converted to the unit its metric already has.
    case incompatibleUnit(MeasurementError)

    var description: String {
        switch self {
        case .incompatibleUnit(let error): "\(error)"
        case .unknownCommit(let hash): "no commit \(hash) in the database"
        case .unknownRun(let id): "no run \(id)"
        }
    }
}

extension Store {
    /// Stores a finished run with its measurements and output, creating metrics as
    /// needed. Idempotent by run id: recording the same id again changes nothing and
    /// returns false. The commit leaves the queue.
    @discardableResult
    public func record(_ run: Run) throws -> Bool {
        try record([run])[0].get()
    }

    /// Stores several runs in one transaction, each in a savepoint of its own: one bad run
    /// (an unknown commit) fails alone. One commit for many runs is what lets the runner
    /// API take submissions from many runners at once.
    public func record(_ runs: [Run]) throws -> [Result<Bool, any Error>] {
        // Encoded before taking the writer, which every other write waits for.
        let samples = runs.map { run in run.measurements.map { $0.samples.map(Self.samplesJSON) } }
        return try writer.writeWithoutTransaction { db in
            // Each run's savepoint journals the pages it changes. SQLite keeps that journal
            // in memory only up to 64 KiB and then in a temporary file, which for a batch of
            // submissions wrote four times the bytes of the WAL itself; in memory it costs
            // a batch's changed pages at most. Set per batch, since the setting also moves
            // the big sorts of other writes (an import) into memory.
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
            defer { try? db.execute(sql: "PRAGMA temp_store = DEFAULT") }
            var results: [Result<Bool, any Error>] = []
            try db.inTransaction {
                results = try Self.record(runs, samples: samples, db)
                return .commit
            }
            return results
        }
    }

    /// `record`'s work inside its transaction.
    private static func record(_ runs: [Run], samples: [[String?]], _ db: Database) throws -> [Result<Bool, any Error>] {
        let statements = try RecordStatements(db)
        // The unit of each metric this transaction has seen (nil: stored without one), so
        // a batch of runs with the same metrics inserts and reads each metric once.
        var units: [String: String?] = [:]
        return zip(runs, samples).map { run, samples in
            Result {
                var stored = false
                let unitsBefore = units
                do {
                    try db.inSavepoint {
                        stored = try Self.insert(run, samples: samples, db, statements, units: &units)
                        return .commit
                    }
                } catch {
                    statements.reset()
                    // The savepoint took back the metrics this run created.
                    units = unitsBefore
                    throw error
                }
                return stored
            }
        }
    }

    /// The statements of `record`, compiled once per transaction.
    private struct RecordStatements {
        let exists, commitID, run, metric, metricUnit, measurement, line, queued, dequeue: Statement

        init(_ db: Database) throws {
            // A run already stored, live or archived, is not stored again (an import of an export taken with the archive).
            exists = try db.cachedStatement(sql: "SELECT 1 FROM runs WHERE id = ?1 UNION ALL SELECT 1 FROM archive.runs WHERE id = ?1")
            commitID = try db.cachedStatement(sql: "SELECT id FROM commits WHERE hash = ?")
            run = try db.cachedStatement(sql: """
                INSERT INTO runs (id, commit_id, bench_method, runner_name, runner_fingerprint, start_time, end_time, exit_code, origin,
                                  conditions)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            metric = try db.cachedStatement(sql: "INSERT OR IGNORE INTO metrics (name, unit) VALUES (?, ?)")
            metricUnit = try db.cachedStatement(sql: "SELECT unit FROM metrics WHERE name = ?")
            measurement = try db.cachedStatement(sql: """
                INSERT INTO measurements (run_id, metric, value, unit, samples, lower, upper) VALUES (?, ?, ?, ?, ?, ?, ?)
                """)
            line = try db.cachedStatement(sql: "INSERT INTO run_output (run_id, line, source, text) VALUES (?, ?, ?, ?)")
            // An entry waiting for a machine leaves only with a run from that machine, as
            // `MachineAffinity.admits` (the one same-machine rule) decides.
            queued = try db.cachedStatement(sql: "SELECT affinity_fingerprint, affinity_runner FROM queue WHERE commit_id = ?")
            dequeue = try db.cachedStatement(sql: "DELETE FROM queue WHERE commit_id = ?")
        }

        /// After a failed step SQLite reports the failure again on the statement's next
        /// reset; clear it so the next run starts clean.
        func reset() {
            for statement in [exists, commitID, run, metric, metricUnit, measurement, line, queued, dequeue] { sqlite3_reset(statement.sqliteStatement) }
        }
    }

    /// Samples as the JSON array stored in `measurements.samples`. Values are finite
    /// (submissions are checked), so Swift's shortest round-trip form is valid JSON.
    static func samplesJSON(_ samples: [Double]) -> String {
        "[" + samples.map { "\($0)" }.joined(separator: ",") + "]"
    }

    private static func insert(_ run: Run, samples: [String?], _ db: Database, _ statements: RecordStatements,
                               units: inout [String: String?]) throws -> Bool {
        if try Bool.fetchOne(statements.exists, arguments: [run.id]) == true { return false }
        guard let commitID = try Int64.fetchOne(statements.commitID, arguments: [run.commit]) else {
            throw RunError.unknownCommit(run.commit)
        }
        let fingerprint = try run.fingerprint?.jsonString()
        try statements.run.execute(arguments: [run.id, commitID, run.benchMethod, run.runnerName,
                                               fingerprint, run.start, run.end, run.exitCode, run.origin.rawValue,
                                               try run.conditions?.json.jsonString()])
        for (given, givenSamples) in zip(run.measurements, samples) {
            var (m, samples) = (given, givenSamples)
            let metricUnit: String?
            if let known = units[m.metric] {
                metricUnit = known
            } else {
                try statements.metric.execute(arguments: [m.metric, m.unit])
                metricUnit = try String.fetchOne(statements.metricUnit, arguments: [m.metric])
                units[m.metric] = .some(metricUnit)
            }
            // One unit per metric: a value in another unit of the same kind (µs for a metric
            // in ns) is converted on the way in; one that cannot be converted is refused.
            if let unit = m.unit, let metricUnit, metricUnit != unit {
                do {
                    m = try MeasurementUnit.convert(m, to: metricUnit)
                } catch {
                    throw RunError.incompatibleUnit(error)
                }
                samples = m.samples.map(Self.samplesJSON)
            }
            try Self.insertMeasurement(statements.measurement, runID: run.id, m, samples: samples)
        }
        for (number, entry) in run.output.enumerated() {
            try statements.line.execute(arguments: [run.id, number, entry.source.rawValue, entry.text])
        }
        if let entry = try Row.fetchOne(statements.queued, arguments: [commitID]),
           Self.affinity(fingerprint: entry[0], runner: entry[1])?.admits(name: run.runnerName ?? "", fingerprint: fingerprint) ?? true {
            try statements.dequeue.execute(arguments: [commitID])
        }
        return true
    }

    /// Binds and steps `INSERT INTO measurements` with SQLite's own calls: it runs for
    /// every measurement of every submission, and GRDB's argument array (a boxed value
    /// each) cost more than the insert itself.
    private static func insertMeasurement(_ statement: Statement, runID: String, _ m: Measurement, samples: String?) throws {
        let handle = statement.sqliteStatement
        sqlite3_reset(handle)
        defer { sqlite3_reset(handle) }
        bindText(handle, 1, runID)
        bindText(handle, 2, m.metric)
        sqlite3_bind_double(handle, 3, m.value)
        bindText(handle, 4, m.unit)
        bindText(handle, 5, samples)
        if let lower = m.lower { sqlite3_bind_double(handle, 6, lower) } else { sqlite3_bind_null(handle, 6) }
        if let upper = m.upper { sqlite3_bind_double(handle, 7, upper) } else { sqlite3_bind_null(handle, 7) }
        let code = sqlite3_step(handle)
        guard code == SQLITE_DONE else { throw sqliteError(handle, code) }
    }

    /// Binds `text` (NULL for nil) to parameter `index`; SQLite copies it.
    private static func bindText(_ handle: SQLiteStatement, _ index: Int32, _ text: String?) {
        guard var text else {
            sqlite3_bind_null(handle, index)
            return
        }
        text.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { chars in
                guard let start = chars.baseAddress else {
                    _ = sqlite3_bind_text(handle, index, "", 0, nil)
                    return
                }
                // SQLITE_TRANSIENT: SQLite takes its own copy before this returns.
                _ = sqlite3_bind_text(handle, index, start, Int32(chars.count), unsafeBitCast(-1, to: sqlite3_destructor_type.self))
            }
        }
    }

    /// Runs matching `filter`, newest first, at most `limit`, starting after the run
    /// `after` (a cursor from the previous page).
    func runs(_ filter: RunFilter, limit: Int, after cursor: (start: Int64, id: String)? = nil) throws -> [RunSummary] {
        try readingArchive(filter.includeArchive) { try readStatement { db in
            var (condition, arguments) = filter.condition()
            if let cursor {
                condition += " AND (r.start_time, r.id) < (?, ?)"
                arguments += [cursor.start, cursor.id]
            }
            arguments += [limit]
            // Without a commit to narrow them, runs are read newest first along the index
            // and stop at the page's end (SQLite's planner, lacking statistics, would
            // otherwise join and count every run, then sort them).
            let index = filter.commitID == nil && filter.refCommitID == nil && !filter.includeArchive ? "INDEXED BY runs_start_id" : ""
            let statement = try db.cachedStatement(sql: """
                SELECT r.id, c.hash, r.bench_method, r.runner_name, r.start_time, r.end_time, r.exit_code, r.origin,
                       (SELECT count(*) FROM \(filter.measurementsTable) m WHERE m.run_id = r.id), \(filter.includeArchive ? "r.archived" : "0")
                FROM \(filter.runsTable) r \(index) CROSS JOIN commits c ON c.id = r.commit_id
                WHERE \(condition) ORDER BY r.start_time DESC, r.id DESC LIMIT ?
                """)
            try statement.setArguments(arguments)
            // Stepped with SQLite's C API: a page of runs.list is often one row, and
            // GRDB's `Row` (column-name index, copied values) cost more than the query.
            let handle = statement.sqliteStatement
            defer { sqlite3_reset(handle) }
            var runs: [RunSummary] = []
            while true {
                let code = sqlite3_step(handle)
                if code == SQLITE_DONE { return runs }
                guard code == SQLITE_ROW else { throw Self.sqliteError(handle, code) }
                runs.append(RunSummary(
                    id: Self.string(handle, 0), commit: Self.string(handle, 1), benchMethod: Self.string(handle, 2),
                    runnerName: sqlite3_column_type(handle, 3) == SQLITE_NULL ? nil : Self.string(handle, 3),
                    start: sqlite3_column_int64(handle, 4), end: sqlite3_column_int64(handle, 5),
                    exitCode: Int(sqlite3_column_int64(handle, 6)),
                    origin: RunOrigin(rawValue: Self.string(handle, 7)) ?? .runner,
                    measurementCount: Int(sqlite3_column_int64(handle, 8)), archived: sqlite3_column_int64(handle, 9) != 0))
            }
        } }
    }

    /// A text column of the current row.
    static func string(_ handle: SQLiteStatement, _ column: Int32) -> String {
        String(decoding: UnsafeBufferPointer(start: sqlite3_column_text(handle, column), count: Int(sqlite3_column_bytes(handle, column))),
               as: UTF8.self)
    }

    /// One live run with everything recorded about it.
    func run(id: String) throws -> Run? {
        try read { db in try Self.run(db, id: id) }
    }

    /// One archived run with everything recorded about it.
    func archivedRun(id: String) throws -> Run? {
        try read { db in try Self.run(db, id: id, schema: "archive") }
    }

    /// The run `id` from the tables of `schema` (`main`, the live database, or `archive`).
    static func run(_ db: Database, id: String, schema: String = "main") throws -> Run? {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT r.id, c.hash, r.bench_method, r.runner_name, r.runner_fingerprint, r.start_time, r.end_time, r.exit_code, r.origin,
                   r.conditions
            FROM \(schema).runs r CROSS JOIN main.commits c ON c.id = r.commit_id WHERE r.id = ?
            """), arguments: [id]) else { return nil }
        let measurements = try Row.fetchAll(db.cachedStatement(sql: """
            SELECT metric, value, unit, samples, lower, upper FROM \(schema).measurements WHERE run_id = ? ORDER BY metric
            """), arguments: [id]).map { try Self.measurement(from: $0) }
        let output = try Row.fetchAll(db.cachedStatement(sql: "SELECT source, text FROM \(schema).run_output WHERE run_id = ? ORDER BY line"),
                                      arguments: [id]).map { (source: OutputSource(rawValue: $0[0]) ?? .internal, text: $0[1] as String) }
        let fingerprint = try (row[4] as String?).map { try JSONValue.parse($0) }
        // Checked when recorded; a row written around that check shows no conditions rather than an error.
        let conditions = (row[9] as String?).flatMap { try? JSONValue.parse($0) }.flatMap { try? RunConditions(json: $0) }
        return Run(id: row[0], commit: row[1], benchMethod: row[2], runnerName: row[3], fingerprint: fingerprint,
                   start: row[5], end: row[6], exitCode: row[7], origin: RunOrigin(rawValue: row[8]) ?? .runner,
                   measurements: measurements, output: output, conditions: conditions)
    }

    /// A row of `SELECT metric, value, unit, samples, lower, upper FROM measurements`.
    /// Rows are checked when recorded; one that is not valid (written by hand or by an old
    /// version) is an error naming its metric rather than a number that breaks a page.
    static func measurement(from row: Row) throws -> Measurement {
        let samples = (row[3] as String?).flatMap { try? JSONValue.parse($0) }?.arrayValue?.compactMap(\.doubleValue)
        return try Measurement(metric: row[0], value: row[1], unit: row[2], samples: samples, lower: row[4], upper: row[5])
    }

    /// Deletes a run with its measurements and output.
    func deleteRun(id: String) throws {
        try writer.write { db in
            try db.execute(sql: "DELETE FROM runs WHERE id = ?", arguments: [id])
            guard db.changesCount == 1 else { throw RunError.unknownRun(id) }
        }
    }
}
