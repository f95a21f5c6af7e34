// Moving runs into the archive database and back, in batches, while the daemon serves.
import Foundation
import GRDB

extension Store {
    /// Runs per batch: each batch is one copy and one removal, short enough that
    /// submissions wait at most a few milliseconds for the writer.
    static let archiveBatchSize = 500

    /// Moves the live runs `selection` names into the archive, batch by batch.
    func archiveRuns(_ selection: ArchiveSelection, batchSize: Int = archiveBatchSize) async throws -> ArchiveMoveReport {
        try await OperationsWorkers.run { [self] in
            try archiveGate.mover { try moveToArchive(selection, batchSize: batchSize) }
        }
    }

    /// Moves the archived runs `selection` names back into the live database, batch by batch.
    func restoreRuns(_ selection: RestoreSelection, batchSize: Int = archiveBatchSize) async throws -> ArchiveMoveReport {
        try await OperationsWorkers.run { [self] in
            try archiveGate.mover { try restoreFromArchive(selection, batchSize: batchSize) }
        }
    }

    /// Counts, time spans and sizes of the live database and the archive.
    func archiveStatus() throws -> ArchiveStatus {
        try readingArchive(true) {
            try read { db in
                ArchiveStatus(live: try Self.side(db, "main"), archive: try Self.side(db, "archive"), path: archivePath)
            }
        }
    }

    private static func side(_ db: Database, _ schema: String) throws -> ArchiveSide {
        let runs = try Row.fetchOne(db, sql: "SELECT count(*), min(start_time), max(start_time) FROM \(schema).runs")!
        let pages = try Int64.fetchOne(db, sql: "PRAGMA \(schema).page_count") ?? 0
        let pageSize = try Int64.fetchOne(db, sql: "PRAGMA \(schema).page_size") ?? 0
        return ArchiveSide(runs: runs[0], measurements: try Int.fetchOne(db, sql: "SELECT count(*) FROM \(schema).measurements") ?? 0,
                           outputLines: try Int.fetchOne(db, sql: "SELECT count(*) FROM \(schema).run_output") ?? 0,
                           oldest: runs[1], newest: runs[2], bytes: pages * pageSize)
    }

    private func moveToArchive(_ selection: ArchiveSelection, batchSize: Int) throws -> ArchiveMoveReport {
        let started = ContinuousClock.now
        let (condition, arguments) = try resolvingRefLine(RunFilter(refCommitID: selection.refCommitID)).condition()
        // The newest `keepLast` runs of the selection stay: everything from the boundary
        // run on. Runs that arrive during the move are newer still, so it does not move.
        var boundary = ""
        var boundaryArguments = StatementArguments()
        if selection.keepLast > 0 {
            guard let keep = try read({ db in
                try Row.fetchOne(db, sql: """
                    SELECT r.start_time, r.id FROM runs r WHERE \(condition) ORDER BY r.start_time DESC, r.id DESC LIMIT 1 OFFSET ?
                    """, arguments: arguments + [selection.keepLast - 1])
            }) else { return ArchiveMoveReport(runs: 0, batches: 0, milliseconds: (ContinuousClock.now - started).milliseconds) }
            boundary = " AND (r.start_time, r.id) < (?, ?)"
            boundaryArguments = [keep[0] as Int64, keep[1] as String]
        }
        var moved = 0
        var batches = 0
        while true {
            let ids = try read { db in
                try String.fetchAll(db, sql: """
                    SELECT r.id FROM runs r INDEXED BY runs_start_id
                    WHERE r.start_time < ? AND \(condition)\(boundary) ORDER BY r.start_time, r.id LIMIT ?
                    """, arguments: [selection.before] + arguments + boundaryArguments + [batchSize])
            }
            if ids.isEmpty { break }
            moved += try Self.checkedBatch(try moveBatch(ids, from: "main", to: "archive"), ids)
            batches += 1
        }
        return ArchiveMoveReport(runs: moved, batches: batches, milliseconds: (ContinuousClock.now - started).milliseconds)
    }

    private func restoreFromArchive(_ selection: RestoreSelection, batchSize: Int) throws -> ArchiveMoveReport {
        let started = ContinuousClock.now
        var condition = "1"
        var arguments = StatementArguments()
        if let before = selection.before { condition += " AND start_time < ?"; arguments += [before] }
        if let after = selection.after { condition += " AND start_time >= ?"; arguments += [after] }
        var moved = 0
        var batches = 0
        while true {
            let ids = try read { db in
                try String.fetchAll(db, sql: "SELECT id FROM archive.runs WHERE \(condition) ORDER BY start_time, id LIMIT ?",
                                    arguments: arguments + [batchSize])
            }
            if ids.isEmpty { break }
            moved += try Self.checkedBatch(try moveBatch(ids, from: "archive", to: "main"), ids)
            batches += 1
        }
        return ArchiveMoveReport(runs: moved, batches: batches, milliseconds: (ContinuousClock.now - started).milliseconds)
    }

    /// A batch that moved nothing would be selected again forever (a row the other side
    /// refuses): the move stops there, with the run named, and what moved stays moved.
    private static func checkedBatch(_ moved: Int, _ ids: [String]) throws -> Int {
        guard moved > 0 else { throw DatabaseArchiveError.refused(run: ids[0], reason: "no row of it was copied") }
        return moved
    }

    /// Copies the runs `ids` with their measurements and output from `source` to
    /// `destination` in one transaction, then removes from `source` those whose copy is
    /// there in the next: a crash between leaves whole copies in both, which opening the
    /// store repairs (`repairArchive`). Returns the number of runs moved.
    private func moveBatch(_ ids: [String], from source: String, to destination: String) throws -> Int {
        let list = try JSONValue.array(ids.map(JSONValue.string)).jsonString()
        return try archiveGate.exclusive {
            do {
                try copy(list, from: source, to: destination)
            } catch let error as DatabaseError where !StorageTrouble.isTransient(error) {
                throw DatabaseArchiveError.refused(run: ids[0], reason: error.message ?? "\(error.resultCode)")
            }
            return try writer.write { db in
                try db.execute(sql: """
                    DELETE FROM \(source).runs
                    WHERE id IN (SELECT value FROM json_each(?)) AND id IN (SELECT id FROM \(destination).runs)
                    """, arguments: [list])
                return db.changesCount
            }
        }
    }

    /// One transaction: the runs of `list` (a JSON array of ids) with their measurements and
    /// output, copied from `source` to `destination`.
    private func copy(_ list: String, from source: String, to destination: String) throws {
        try writer.write { db in
            for (table, columns, key) in [("runs", Self.runColumns, "id"), ("measurements", Self.measurementColumns, "run_id"),
                                          ("run_output", Self.outputColumns, "run_id")] {
                try db.execute(sql: """
                    INSERT OR IGNORE INTO \(destination).\(table) (\(columns))
                        SELECT \(columns) FROM \(source).\(table) WHERE \(key) IN (SELECT value FROM json_each(?))
                    """, arguments: [list])
            }
        }
    }
}
