// The archive database: where it lives, how every connection sees it, its tables.
import Foundation
import GRDB

// The archive is a second SQLite file beside the live one (`tablejohn.db` →
// `tablejohn.archive.db`), attached to every connection as `archive`. It holds runs,
// measurements and output with the live tables' columns; commits, refs and metrics stay in
// the live database (commits are never deleted, so an archived run's commit is always
// there). A column added to `runs`, `measurements` or `run_output` by a migration must be
// added here too (a new `archiveSchemaVersion` step), or it is lost on the way through.
//
// Each connection also gets three temporary views, `all_runs`, `all_measurements` and
// `all_run_output`: the live rows and the archived ones (`all_runs.archived` tells which). Queries that include the archive
// name those instead of the tables; SQLite runs a join over them as one ordered merge of
// the two databases' indexes (for `ORDER BY id`, the export's order).
extension Store {
    /// The archive file for a database file: `x.db` → `x.archive.db`, otherwise `x.archive`.
    static func archivePath(forDatabase path: String) -> String {
        (path.hasSuffix(".db") ? String(path.dropLast(3)) : path) + ".archive" + (path.hasSuffix(".db") ? ".db" : "")
    }

    static let runColumns = "id, commit_id, bench_method, runner_name, runner_fingerprint, start_time, end_time, exit_code, origin, conditions"
    static let measurementColumns = "run_id, metric, value, unit, samples, lower, upper"
    static let outputColumns = "run_id, line, source, text"

    /// The archive's schema version, kept in its `user_version`.
    static let archiveSchemaVersion = 1

    /// Attaches the archive at `path` (`:memory:` for an in-memory store) and defines the
    /// views over both databases. Runs on every connection as it opens.
    static func attachArchive(_ db: Database, path: String) throws {
        try db.execute(sql: "ATTACH DATABASE ? AS archive", arguments: [path])
        if !db.configuration.readonly {
            try db.execute(sql: "PRAGMA archive.synchronous = NORMAL")
        }
        try db.execute(sql: """
            CREATE TEMP VIEW all_runs AS
                SELECT \(runColumns), 0 AS archived FROM main.runs UNION ALL SELECT \(runColumns), 1 FROM archive.runs;
            CREATE TEMP VIEW all_measurements AS
                SELECT \(measurementColumns) FROM main.measurements UNION ALL SELECT \(measurementColumns) FROM archive.measurements;
            CREATE TEMP VIEW all_run_output AS
                SELECT \(outputColumns) FROM main.run_output UNION ALL SELECT \(outputColumns) FROM archive.run_output;
            """)
    }

    /// Creates the archive's tables when missing, and finishes any batch a crash cut short.
    /// Runs once, on the writer, after the live database's migrations.
    static func prepareArchive(_ writer: any DatabaseWriter, onFile: Bool) throws {
        try writer.writeWithoutTransaction { db in
            if onFile { try db.execute(sql: "PRAGMA archive.journal_mode = WAL") }
            try db.inTransaction {
                let version = try Int.fetchOne(db, sql: "PRAGMA archive.user_version") ?? 0
                if version < 1 {
                    try db.execute(sql: """
                        CREATE TABLE IF NOT EXISTS archive.runs (
                            id TEXT PRIMARY KEY,
                            commit_id INTEGER NOT NULL,
                            bench_method TEXT NOT NULL,
                            runner_name TEXT,
                            runner_fingerprint TEXT,
                            start_time INTEGER NOT NULL,
                            end_time INTEGER NOT NULL,
                            exit_code INTEGER NOT NULL,
                            origin TEXT NOT NULL,
                            conditions TEXT
                        ) STRICT;
                        CREATE INDEX IF NOT EXISTS archive.runs_commit ON runs(commit_id);
                        CREATE INDEX IF NOT EXISTS archive.runs_start_id ON runs(start_time, id);
                        CREATE TABLE IF NOT EXISTS archive.measurements (
                            run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                            metric TEXT NOT NULL,
                            value REAL NOT NULL,
                            unit TEXT,
                            samples TEXT,
                            lower REAL,
                            upper REAL,
                            PRIMARY KEY (run_id, metric)
                        ) STRICT, WITHOUT ROWID;
                        CREATE INDEX IF NOT EXISTS archive.measurements_metric ON measurements(metric);
                        CREATE TABLE IF NOT EXISTS archive.run_output (
                            run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                            line INTEGER NOT NULL,
                            source TEXT NOT NULL,
                            text TEXT NOT NULL,
                            PRIMARY KEY (run_id, line)
                        ) STRICT, WITHOUT ROWID;
                        PRAGMA archive.user_version = \(archiveSchemaVersion);
                        """)
                }
                try repairArchive(db)
                return .commit
            }
        }
    }

    /// A batch copies runs in one transaction and removes them from where they were in the
    /// next; a crash in between leaves whole copies in both databases. The live copy wins
    /// (an interrupted move did not happen; an interrupted restore did), so no run is ever
    /// in both once the store is open.
    @discardableResult
    static func repairArchive(_ db: Database) throws -> Int {
        try db.execute(sql: "DELETE FROM archive.runs WHERE id IN (SELECT id FROM main.runs)")
        return db.changesCount
    }
}
