// Exports: measurements as CSV and runs as JSON, in pages that resume from a cursor.
import Foundation
import GRDB
import GRDBSQLite

/// Where an export page stopped; opaque to callers, passed back for the next page.
struct ExportCursor: Sendable, Equatable {
    var runID: String
    var metric: String

    init(runID: String, metric: String) {
        self.runID = runID
        self.metric = metric
    }

    /// Encoded as text for RPC and HTTP callers.
    var token: String { runID + "\n" + metric }

    init?(token: String) {
        guard let newline = token.firstIndex(of: "\n") else { return nil }
        runID = String(token[..<newline])
        metric = String(token[token.index(after: newline)...])
    }
}

extension Store {
    /// The CSV header line, with its newline.
    static let csvHeader = "run_id,commit,metric,value,unit,runner,bench_method,start,end,exit_code,origin\n"

    /// Appends up to `limit` measurement rows after `cursor` to `output` as CSV lines
    /// (no header). Returns the number of rows and the cursor for the next page, nil at
    /// the end. Rows come in (run, metric) order, so pages never overlap or skip.
    func exportCSV(_ filter: RunFilter, after cursor: ExportCursor?, limit: Int,
                          into output: inout [UInt8]) throws -> (rows: Int, next: ExportCursor?) {
        try readingArchive(filter.includeArchive) { try read { db in
            var (condition, arguments) = filter.condition()
            if let cursor {
                condition += " AND r.id >= ?"
                arguments += [cursor.runID]
            }
            // Runs are the outer loop, each run's measurements a range of their primary key:
            // the run's columns are read and formatted once per run, not once per row.
            let runs = try db.makeStatement(sql: """
                SELECT r.id, c.hash, r.runner_name, r.bench_method, r.start_time, r.end_time, r.exit_code, r.origin
                FROM \(filter.runsTable) r CROSS JOIN commits c ON c.id = r.commit_id
                WHERE \(condition) ORDER BY r.id
                """)
            try runs.setArguments(arguments)
            let table = filter.measurementsTable
            let measurements = MeasurementStatements(
                all: try db.cachedStatement(sql: "SELECT metric, value, unit FROM \(table) WHERE run_id = ? ORDER BY metric"),
                after: try db.cachedStatement(sql: """
                    SELECT metric, value, unit FROM \(table) WHERE run_id = ? AND metric > ? ORDER BY metric
                    """),
                one: try db.cachedStatement(sql: "SELECT metric, value, unit FROM \(table) WHERE run_id = ? AND metric = ?"))
            return try CSVRowWriter.write(runs: runs, measurements: measurements, metric: filter.metric,
                                          after: cursor, limit: limit, into: &output)
        } }
    }

    /// The id of the run `skipping` runs after `lower` (or after the first run) among
    /// those `filter` matches, in id order; nil when fewer runs are left.
    func runIDAfter(_ filter: RunFilter, from lower: String?, skipping: Int) throws -> String? {
        var filter = filter
        filter.runIDsFrom = lower
        let (condition, arguments) = filter.condition()
        return try readingArchive(filter.includeArchive) { try read { db in
            try String.fetchOne(db, sql: "SELECT r.id FROM \(filter.runsTable) r WHERE \(condition) ORDER BY r.id LIMIT 1 OFFSET ?",
                                arguments: arguments + [skipping])
        } }
    }

    /// Up to `limit` whole runs after the run `afterRunID`, in run id order, for JSON export.
    func exportRuns(_ filter: RunFilter, afterRunID: String?, limit: Int) throws -> (runs: [Run], next: String?) {
        try readingArchive(filter.includeArchive) { try read { db in
            var (condition, arguments) = filter.condition()
            if let afterRunID {
                condition += " AND r.id > ?"
                arguments += [afterRunID]
            }
            arguments += [limit]
            let ids = try String.fetchAll(db, sql: "SELECT r.id FROM \(filter.runsTable) r WHERE \(condition) ORDER BY r.id LIMIT ?",
                                          arguments: arguments)
            let runs = try ids.compactMap { id in
                try Self.run(db, id: id) ?? (filter.includeArchive ? Self.run(db, id: id, schema: "archive") : nil)
            }
            return (runs, ids.count == limit ? ids.last : nil)
        } }
    }
}

/// The statements reading one run's measurements: all of them, those after a metric
/// (resuming a page), or one metric (a filtered export).
struct MeasurementStatements {
    var all: Statement
    var after: Statement
    var one: Statement
}

/// Formats result rows straight from SQLite's column buffers: exports must reach a
/// million rows per second, so no intermediate Swift values are built per column.
enum CSVRowWriter {
    static func write(runs: Statement, measurements: MeasurementStatements, metric: String?, after cursor: ExportCursor?,
                      limit: Int, into output: inout [UInt8]) throws -> (rows: Int, next: ExportCursor?) {
        let runHandle = runs.sqliteStatement
        var rows = 0
        var prefix: [UInt8] = []  // run id and commit, with the commas after them
        var suffix: [UInt8] = []  // runner and the rest of the run's columns
        var sink = RowBuffer(taking: &output, expected: min(limit, 4096) * 160)  // grows by doubling
        defer { output = sink.finish() }
        while rows < limit {
            let code = sqlite3_step(runHandle)
            if code == SQLITE_DONE { break }
            guard code == SQLITE_ROW else { throw Store.sqliteError(runHandle, code) }
            let runID = text(runHandle, 0)
            prefix.removeAll(keepingCapacity: true)
            appendField(&prefix, runID)
            prefix.append(UInt8(ascii: ","))
            prefix.append(contentsOf: text(runHandle, 1))  // a hash needs no quoting
            prefix.append(UInt8(ascii: ","))
            suffix.removeAll(keepingCapacity: true)
            suffix.append(UInt8(ascii: ","))
            appendField(&suffix, text(runHandle, 2))  // runner
            suffix.append(UInt8(ascii: ","))
            appendField(&suffix, text(runHandle, 3))  // bench method
            suffix.append(UInt8(ascii: ","))
            appendTimestamp(&suffix, sqlite3_column_int64(runHandle, 4))
            suffix.append(UInt8(ascii: ","))
            appendTimestamp(&suffix, sqlite3_column_int64(runHandle, 5))
            suffix.append(UInt8(ascii: ","))
            suffix.append(contentsOf: String(sqlite3_column_int64(runHandle, 6)).utf8)
            suffix.append(UInt8(ascii: ","))
            appendField(&suffix, text(runHandle, 7))
            suffix.append(UInt8(ascii: "\n"))

            // Only the cursor's own run resumes after a metric; later runs start at their first.
            let id = String(decoding: runID, as: UTF8.self)
            let resumeAfter = cursor.flatMap { $0.runID == id ? $0.metric : nil }
            let statement: Statement
            switch (metric, resumeAfter) {
            case (nil, nil): statement = measurements.all; try statement.setArguments([id])
            case (nil, let after?): statement = measurements.after; try statement.setArguments([id, after])
            case (let metric?, nil): statement = measurements.one; try statement.setArguments([id, metric])
            case (_?, _?): continue  // the run's one row went out with the previous page
            }
            let handle = statement.sqliteStatement
            while rows < limit {
                let code = sqlite3_step(handle)
                if code == SQLITE_DONE { break }
                guard code == SQLITE_ROW else { throw Store.sqliteError(handle, code) }
                let metric = text(handle, 0)
                var number = sqlite3_column_double(handle, 1).description
                number.withUTF8 { number in
                    let unit = text(handle, 2)
                    // Quoting at most doubles a field and adds two quotes, and a formula's `'` one byte.
                    let longest = prefix.count + 2 * metric.count + 4 + number.count + 1 + 2 * unit.count + 3 + suffix.count
                    sink.write(longest) { row in
                        row.put(prefix)
                        row.putField(metric)
                        row.put(UInt8(ascii: ","))
                        row.put(number)
                        row.put(UInt8(ascii: ","))
                        row.putField(unit)
                        row.put(suffix)
                    }
                }
                rows += 1
                if rows == limit {
                    let next = ExportCursor(runID: id, metric: String(decoding: metric, as: UTF8.self))
                    sqlite3_reset(handle)
                    return (rows, next)
                }
            }
        }
        return (rows, nil)
    }

    /// A text column's bytes, valid until the statement steps again.
    private static func text(_ handle: SQLiteStatement, _ column: Int32) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: sqlite3_column_text(handle, column), count: Int(sqlite3_column_bytes(handle, column)))
    }

    /// A text field of CSV: neutralised when it starts like a formula, quoted when it holds
    /// a comma, quote or line break. (Numbers are written without this: -1.5 is a number.)
    static func appendField<Field: Collection>(_ output: inout [UInt8], _ field: Field) where Field.Element == UInt8 {
        let formula = field.first.map(startsFormula) ?? false
        guard field.contains(where: needsQuotes) else {
            if formula { output.append(UInt8(ascii: "'")) }
            output.append(contentsOf: field)
            return
        }
        output.append(UInt8(ascii: "\""))
        if formula { output.append(UInt8(ascii: "'")) }
        for byte in field {
            if byte == UInt8(ascii: "\"") { output.append(byte) }
            output.append(byte)
        }
        output.append(UInt8(ascii: "\""))
    }

    /// Whether a text field starting with `byte` would be read as a formula by a
    /// spreadsheet (`= + - @`, tab, CR): such fields get a leading `'`, which spreadsheets
    /// show as text. Metric names, units and runner names come from benchmark output.
    static func startsFormula(_ byte: UInt8) -> Bool {
        byte == 0x3d || byte == 0x2b || byte == 0x2d || byte == 0x40 || byte == 0x09 || byte == 0x0d  // = + - @ TAB CR
    }

    static func needsQuotes(_ byte: UInt8) -> Bool {
        byte == 0x2c || byte == 0x22 || byte == 0x0a || byte == 0x0d  // , " LF CR
    }

    /// Bytes written through a pointer, row by row, into an array grown in large steps:
    /// appending a row's pieces to the array one by one cost more than reading the row
    /// from SQLite.
    private struct RowBuffer {
        private var bytes: [UInt8] = []
        private var length: Int

        init(taking output: inout [UInt8], expected: Int) {
            swap(&bytes, &output)
            length = bytes.count
            bytes.append(contentsOf: repeatElement(0, count: expected))
        }

        /// Writes at most `maximum` bytes with `body`.
        mutating func write(_ maximum: Int, _ body: (inout RowCursor) -> Void) {
            if length + maximum > bytes.count {
                bytes.append(contentsOf: repeatElement(0, count: max(maximum, bytes.count)))
            }
            let start = length
            length = bytes.withUnsafeMutableBufferPointer { buffer in
                var cursor = RowCursor(buffer.baseAddress! + start)
                body(&cursor)
                return cursor.position - buffer.baseAddress!
            }
        }

        /// The bytes written, without the slack.
        mutating func finish() -> [UInt8] {
            bytes.removeLast(bytes.count - length)
            return bytes
        }
    }

    /// Writes bytes forward from a position in a buffer the caller has sized.
    private struct RowCursor {
        var position: UnsafeMutablePointer<UInt8>

        init(_ position: UnsafeMutablePointer<UInt8>) { self.position = position }

        mutating func put(_ byte: UInt8) {
            position.pointee = byte
            position += 1
        }

        mutating func put(_ bytes: UnsafeBufferPointer<UInt8>) {
            guard let base = bytes.baseAddress else { return }
            position.update(from: base, count: bytes.count)
            position += bytes.count
        }

        mutating func put(_ bytes: [UInt8]) {
            bytes.withUnsafeBufferPointer { put($0) }
        }

        mutating func putField(_ field: UnsafeBufferPointer<UInt8>) {
            let formula = field.first.map(CSVRowWriter.startsFormula) ?? false
            guard field.contains(where: CSVRowWriter.needsQuotes) else {
                if formula { put(UInt8(ascii: "'")) }
                return put(field)
            }
            put(UInt8(ascii: "\""))
            if formula { put(UInt8(ascii: "'")) }
            for byte in field {
                if byte == UInt8(ascii: "\"") { put(byte) }
                put(byte)
            }
            put(UInt8(ascii: "\""))
        }
    }

    /// Unix milliseconds as RFC 3339 in UTC: `2026-11-22T19:14:03.250Z`.
    static func appendTimestamp(_ output: inout [UInt8], _ milliseconds: Int64) {
        output.append(contentsOf: Timestamp.rfc3339(milliseconds: milliseconds).utf8)
    }
}
