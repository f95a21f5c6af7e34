// Reads for the graph: every value of one metric with its commit's time, and the data version that tells when to read again.
import GRDB
import GRDBSQLite

/// One successful run's value of a metric, placed on its commit.
struct SeriesPoint: Sendable, Equatable {
    /// The commit's committer time, Unix seconds.
    var time: Int64
    var commitID: Int64
    /// Whether the commit is reachable from a tracked ref.
    var tracked: Bool
    var runnerName: String?
    /// The run's runner fingerprint as stored (JSON text), nil for runs without one.
    var fingerprint: String?
    var value: Double

    /// The machine the value came from.
    var machine: MachineKey { MachineKey(runner: runnerName, fingerprint: fingerprint) }
}

/// Values of runs inserted since a mark, each with the journal position of its run.
struct SeriesDelta: Sendable {
    struct Point: Sendable {
        var journal: Int64
        var metric: String
        var point: SeriesPoint
    }

    var mark: SeriesMark
    var points: [Point]
}

/// A metric's name, unit and direction, without counting its measurements.
public struct MetricHeader: Sendable, Equatable {
    public var name: String
    var unit: String?
    var direction: MetricDirection
}

extension Store {
    /// Every metric by name: cheap enough for a page, unlike `metrics()`, which counts measurements.
    public func metricHeaders() throws -> [MetricHeader] {
        try readStatement { db in
            try Row.fetchAll(db.cachedStatement(sql: "SELECT name, unit, direction FROM metrics ORDER BY name")).map { row in
                MetricHeader(name: row[0], unit: row[1], direction: MetricDirection(rawValue: row[2]) ?? .neutral)
            }
        }
    }

    /// The metric's header, nil when no run measured it.
    func metricHeader(_ name: String) throws -> MetricHeader? {
        try readStatement { db in try Self.metricHeader(db, name) }
    }

    static func metricHeader(_ db: Database, _ name: String) throws -> MetricHeader? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT name, unit, direction FROM metrics WHERE name = ?"), arguments: [name]).map { row in
            MetricHeader(name: row[0], unit: row[1], direction: MetricDirection(rawValue: row[2]) ?? .neutral)
        }
    }

    /// Every value of `metric` from runs that exited with 0, in no particular order.
    func seriesPoints(metric: String) throws -> [SeriesPoint] {
        try seriesPointsMarked(metric: metric).points
    }

    /// Every value of `metric` as `seriesPoints` reads it, with the journal mark of the same
    /// snapshot: writes after the mark are in `seriesDelta(after:)`.
    func seriesPointsMarked(metric: String) throws -> (points: [SeriesPoint], mark: SeriesMark) {
        try read { db in
            let statement = try db.cachedStatement(sql: """
                SELECT c.committer_time, r.commit_id, c.reachable, r.runner_name, r.runner_fingerprint, m.value
                FROM measurements m CROSS JOIN runs r ON r.id = m.run_id CROSS JOIN commits c ON c.id = r.commit_id
                WHERE m.metric = ? AND r.exit_code = 0
                """)
            try statement.setArguments([metric])
            var points: [SeriesPoint] = []
            try Self.stepSeriesRows(statement.sqliteStatement) { points.append($0) }
            return (points, try Self.seriesMark(db))
        }
    }

    /// Every value of `metric` as `seriesPoints` reads it, from live and archived runs
    /// (the graph's archive switch; never cached).
    func seriesPointsIncludingArchive(metric: String) throws -> [SeriesPoint] {
        try readingArchive(true) { try read { db in
            let arm = { (schema: String) in """
                SELECT c.committer_time, r.commit_id, c.reachable, r.runner_name, r.runner_fingerprint, m.value
                FROM \(schema).measurements m CROSS JOIN \(schema).runs r ON r.id = m.run_id CROSS JOIN main.commits c ON c.id = r.commit_id
                WHERE m.metric = ?1 AND r.exit_code = 0
                """ }
            let statement = try db.cachedStatement(sql: arm("main") + " UNION ALL " + arm("archive"))
            try statement.setArguments([metric])
            var points: [SeriesPoint] = []
            try Self.stepSeriesRows(statement.sqliteStatement) { points.append($0) }
            return points
        } }
    }

    /// The values of runs inserted after journal position `after`, for the metrics in
    /// `metrics`; `nil` when more than `limit` runs came since or the journal no longer
    /// reaches back that far (read the series again).
    func seriesDelta(after journal: Int64, metrics: Set<String>, limit: Int = 20_000) throws -> SeriesDelta? {
        try read { db in
            let mark = try Self.seriesMark(db)
            guard try Self.journalReaches(db, back: journal), mark.journal - journal <= Int64(limit) else { return nil }
            // Only the cached metrics' rows are read: most writes are of metrics nobody is looking at.
            let statement = try db.cachedStatement(sql: """
                SELECT c.committer_time, r.commit_id, c.reachable, r.runner_name, r.runner_fingerprint, m.value, m.metric, j.seq
                FROM series_journal j CROSS JOIN runs r ON r.id = j.run_id CROSS JOIN measurements m ON m.run_id = r.id
                CROSS JOIN commits c ON c.id = r.commit_id
                WHERE j.seq > ? AND r.exit_code = 0 AND m.metric IN (SELECT value FROM json_each(?))
                """)
            try statement.setArguments([journal, try JSONValue.array(metrics.sorted().map(JSONValue.string)).jsonString()])
            let handle = statement.sqliteStatement
            var points: [SeriesDelta.Point] = []
            try Self.stepSeriesRows(handle) { point in
                let metric = Self.string(handle, 6)
                points.append(SeriesDelta.Point(journal: sqlite3_column_int64(handle, 7), metric: metric, point: point))
            }
            return SeriesDelta(mark: mark, points: points)
        }
    }

    /// The journal mark now, and the series (metric and machine) of the successful runs
    /// inserted after position `after`; nil series when the journal no longer reaches back
    /// that far or one of those runs failed.
    func touchedSeries(after journal: Int64) throws -> (mark: SeriesMark, touched: Set<SeriesKey>?) {
        try read { db in
            let mark = try Self.seriesMark(db)
            guard mark.journal != journal else { return (mark, []) }
            guard try Self.journalReaches(db, back: journal) else { return (mark, nil) }
            let failed = try Bool.fetchOne(db.cachedStatement(sql: """
                SELECT EXISTS (SELECT 1 FROM series_journal j CROSS JOIN runs r ON r.id = j.run_id WHERE j.seq > ? AND r.exit_code != 0)
                """), arguments: [journal]) ?? false
            guard !failed else { return (mark, nil) }
            let rows = try Row.fetchCursor(db.cachedStatement(sql: """
                SELECT DISTINCT m.metric, r.runner_fingerprint, r.runner_name
                FROM series_journal j CROSS JOIN runs r ON r.id = j.run_id CROSS JOIN measurements m ON m.run_id = r.id
                WHERE j.seq > ?
                """), arguments: [journal])
            var touched: Set<SeriesKey> = []
            while let row = try rows.next() { touched.insert(SeriesKey(metric: row[0], fingerprint: row[1], runner: row[2])) }
            return (mark, touched)
        }
    }

    /// Where the journal stands now.
    func seriesMark() throws -> SeriesMark {
        try read { db in try Self.seriesMark(db) }
    }

    /// Whether the journal still holds every run inserted after position `journal` (it keeps
    /// the last `seriesJournalLength`).
    static func journalReaches(_ db: Database, back journal: Int64) throws -> Bool {
        guard let oldest = try Int64.fetchOne(db.cachedStatement(sql: "SELECT min(seq) FROM series_journal")) else {
            return journal >= (try seriesMark(db).journal)
        }
        return journal >= oldest - 1
    }

    static func seriesMark(_ db: Database) throws -> SeriesMark {
        SeriesMark(epoch: try Int64.fetchOne(db.cachedStatement(sql: "SELECT value FROM series_epoch WHERE id = 1")) ?? 0,
                   journal: try Int64.fetchOne(db.cachedStatement(sql: "SELECT seq FROM sqlite_sequence WHERE name = 'series_journal'")) ?? 0)
    }

    /// Steps `handle`, whose first six columns are a series point's, calling `each` per valid point.
    /// Stepped with the C API: a metric may have 100k values and GRDB's `Row` costs more than the join.
    private static func stepSeriesRows(_ handle: OpaquePointer, _ each: (SeriesPoint) throws -> Void) throws {
        defer { sqlite3_reset(handle) }
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { return }
            guard code == SQLITE_ROW else { throw Self.sqliteError(handle, code) }
            // Submissions are checked for finite numbers; a row written around that check
            // (by hand, by an old version) is left out rather than breaking the graph's JSON.
            guard sqlite3_column_type(handle, 5) != SQLITE_NULL, sqlite3_column_double(handle, 5).isFinite else { continue }
            try each(SeriesPoint(
                // Clamped again for rows imported before import clamped them.
                time: Timestamp.clampedCommitSeconds(sqlite3_column_int64(handle, 0)), commitID: sqlite3_column_int64(handle, 1),
                tracked: sqlite3_column_int64(handle, 2) == 2,
                runnerName: sqlite3_column_type(handle, 3) == SQLITE_NULL ? nil : Self.string(handle, 3),
                fingerprint: sqlite3_column_type(handle, 4) == SQLITE_NULL ? nil : Self.string(handle, 4),
                value: sqlite3_column_double(handle, 5)))
        }
    }

    /// The hashes of the given commits, by id.
    func commitHashes(_ ids: some Sequence<Int64>) throws -> [Int64: String] {
        try read { db in
            let statement = try db.cachedStatement(sql: "SELECT hash FROM commits WHERE id = ?")
            let handle = statement.sqliteStatement
            var hashes: [Int64: String] = [:]
            for id in ids where hashes[id] == nil {
                sqlite3_reset(handle)
                sqlite3_bind_int64(handle, 1, id)
                if sqlite3_step(handle) == SQLITE_ROW { hashes[id] = Self.string(handle, 0) }
            }
            sqlite3_reset(handle)
            return hashes
        }
    }

    /// A number that changes whenever the database changes: SQLite's data version (commits by
    /// other connections) plus this connection's own changes. Read it through a dedicated reader.
    func dataVersion() throws -> Int64 {
        try readStatement { db in
            let version = try Int64.fetchOne(db.cachedStatement(sql: "PRAGMA data_version")) ?? 0
            return version &* 1_000_003 &+ Int64(sqlite3_total_changes64(db.sqliteConnection))
        }
    }
}
