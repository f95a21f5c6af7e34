// Exports: measurements as CSV and runs as JSON, in pages that resume from a cursor.
import Foundation
import GRDB
import GRDBSQLite

/// Where an export page stopped; opaque to callers, passed back for the next page.
public struct ExportCursor: Sendable, Equatable {
    public var runID: String
    public var metric: String

    public init(runID: String, metric: String) {
        self.runID = runID
        self.metric = metric
    }

    /// Encoded as text for RPC and HTTP callers.
    public var token: String { runID + "\n" + metric }

    public init?(token: String) {
        guard let newline = token.firstIndex(of: "\n") else { return nil }
        runID = String(token[..<newline])
        metric = String(token[token.index(after: newline)...])
    }
}

extension Store {
    /// The CSV header line, with its newline.
    public static let csvHeader = "run_id,commit,metric,value,unit,runner,bench_method,start,end,exit_code,origin\n"

    /// Appends up to `limit` measurement rows after `cursor` to `output` as CSV lines
    /// (no header). Returns the number of rows and the cursor for the next page, nil at
    /// the end. Rows come in (run, metric) order, so pages never overlap or skip.
    public func exportCSV(_ filter: RunFilter, after cursor: ExportCursor?, limit: Int,
                          into output: inout [UInt8]) throws -> (rows: Int, next: ExportCursor?) {
        try writer.read { db in
            var (condition, arguments) = filter.condition(measurementAlias: "m")
            if let cursor {
                condition += " AND (m.run_id, m.metric) > (?, ?)"
                arguments += [cursor.runID, cursor.metric]
            }
            arguments += [limit]
            let statement = try db.makeStatement(sql: """
                SELECT m.run_id, c.hash, m.metric, m.value, m.unit, r.runner_name, r.bench_method,
                       r.start_time, r.end_time, r.exit_code, r.origin
                FROM measurements m CROSS JOIN runs r ON r.id = m.run_id CROSS JOIN commits c ON c.id = r.commit_id
                WHERE \(condition) ORDER BY m.run_id, m.metric LIMIT ?
                """)
            try statement.setArguments(arguments)
            return try CSVRowWriter.write(statement, limit: limit, into: &output)
        }
    }

    /// Up to `limit` whole runs after the run `afterRunID`, in run id order, for JSON export.
    public func exportRuns(_ filter: RunFilter, afterRunID: String?, limit: Int) throws -> (runs: [Run], next: String?) {
        try writer.read { db in
            var (condition, arguments) = filter.condition()
            if let afterRunID {
                condition += " AND r.id > ?"
                arguments += [afterRunID]
            }
            arguments += [limit]
            let ids = try String.fetchAll(db, sql: "SELECT r.id FROM runs r WHERE \(condition) ORDER BY r.id LIMIT ?",
                                          arguments: arguments)
            let runs = try ids.compactMap { try Self.run(db, id: $0) }
            return (runs, ids.count == limit ? ids.last : nil)
        }
    }
}

/// Formats result rows straight from SQLite's column buffers: exports must reach a
/// million rows per second, so no intermediate Swift values are built per column.
enum CSVRowWriter {
    static func write(_ statement: Statement, limit: Int, into output: inout [UInt8]) throws -> (rows: Int, next: ExportCursor?) {
        let handle = statement.sqliteStatement
        var rows = 0
        var lastRun: [UInt8] = []
        var lastMetric: [UInt8] = []
        var runColumns: [UInt8] = []  // runner and the rest of the run's columns, cached per run
        output.reserveCapacity(output.count + limit * 120)
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { break }
            guard code == SQLITE_ROW else { throw Store.sqliteError(handle, code) }
            let runID = text(handle, 0)
            if !runID.elementsEqual(lastRun) {
                lastRun = Array(runID)
                runColumns.removeAll(keepingCapacity: true)
                appendField(&runColumns, text(handle, 5))  // runner
                runColumns.append(UInt8(ascii: ","))
                appendField(&runColumns, text(handle, 6))  // bench method
                runColumns.append(UInt8(ascii: ","))
                appendTimestamp(&runColumns, sqlite3_column_int64(handle, 7))
                runColumns.append(UInt8(ascii: ","))
                appendTimestamp(&runColumns, sqlite3_column_int64(handle, 8))
                runColumns.append(UInt8(ascii: ","))
                runColumns.append(contentsOf: String(sqlite3_column_int64(handle, 9)).utf8)
                runColumns.append(UInt8(ascii: ","))
                appendField(&runColumns, text(handle, 10))
                runColumns.append(UInt8(ascii: "\n"))
            }
            appendField(&output, runID)
            output.append(UInt8(ascii: ","))
            output.append(contentsOf: text(handle, 1))  // a hash needs no quoting
            output.append(UInt8(ascii: ","))
            let metric = text(handle, 2)
            appendField(&output, metric)
            output.append(UInt8(ascii: ","))
            var value = sqlite3_column_double(handle, 3).description
            value.withUTF8 { output.append(contentsOf: $0) }
            output.append(UInt8(ascii: ","))
            appendField(&output, text(handle, 4))
            output.append(UInt8(ascii: ","))
            output.append(contentsOf: runColumns)
            rows += 1
            if rows == limit { lastMetric = Array(metric) }
        }
        guard rows == limit else { return (rows, nil) }
        return (rows, ExportCursor(runID: String(decoding: lastRun, as: UTF8.self),
                                   metric: String(decoding: lastMetric, as: UTF8.self)))
    }

    /// A text column's bytes, valid until the statement steps again.
    private static func text(_ handle: SQLiteStatement, _ column: Int32) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: sqlite3_column_text(handle, column), count: Int(sqlite3_column_bytes(handle, column)))
    }

    /// A CSV field, quoted when it holds a comma, quote or line break.
    static func appendField<Field: Collection>(_ output: inout [UInt8], _ field: Field) where Field.Element == UInt8 {
        let needsQuotes = field.contains { (byte: UInt8) -> Bool in
            byte == 0x2c || byte == 0x22 || byte == 0x0a || byte == 0x0d  // , " LF CR
        }
        guard needsQuotes else {
            output.append(contentsOf: field)
            return
        }
        output.append(UInt8(ascii: "\""))
        for byte in field {
            if byte == UInt8(ascii: "\"") { output.append(byte) }
            output.append(byte)
        }
        output.append(UInt8(ascii: "\""))
    }

    /// Unix milliseconds as RFC 3339 in UTC: `2026-11-22T19:14:03.250Z`.
    static func appendTimestamp(_ output: inout [UInt8], _ milliseconds: Int64) {
        output.append(contentsOf: Timestamp.rfc3339(milliseconds: milliseconds).utf8)
    }
}

/// Time formatting shared by exports and RPC replies.
public enum Timestamp {
    /// Unix milliseconds as RFC 3339 in UTC with milliseconds.
    public static func rfc3339(milliseconds: Int64) -> String {
        var seconds = time_t(milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000)
        let millis = Int(milliseconds - Int64(seconds) * 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
        }
        let date: String = "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))"
        let time: String = "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(millis), 3))"
        return date + "T" + time + "Z"
    }

    /// Parses RFC 3339 (`2026-11-22T19:14:03Z`, with optional fraction and offset) or a
    /// plain date (`2026-11-22`, midnight UTC) to Unix milliseconds.
    public static func parse(_ text: String) -> Int64? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return Int64((date.timeIntervalSince1970 * 1000).rounded()) }
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: text) { return Int64(date.timeIntervalSince1970 * 1000) }
        formatter.formatOptions = [.withFullDate]
        if let date = formatter.date(from: text) { return Int64(date.timeIntervalSince1970 * 1000) }
        return nil
    }
}
