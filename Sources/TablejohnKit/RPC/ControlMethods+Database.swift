// db.query and db.backup: reading the database with SQL, and copying it while serving.
import Foundation

extension ControlMethods {
    /// `db.query`: one read-only statement, one page of its rows. Runs off the socket's
    /// thread, so a slow query delays no other admin call.
    func dbQuery(_ params: RPCParams) throws -> RPCResult {
        let sql = try params.requiredString("sql")
        let limits = sqlLimits
        let limit = Int(try params.int("limit", range: 1...Int64(limits.maximumRows)) ?? Int64(min(1000, limits.maximumRows)))
        let offset = Int(try params.int("offset", range: 0...Int64(Int32.max)) ?? 0)
        return Self.later { [commands] in Self.json(try await commands.query(sql, offset: offset, limit: limit)) }
    }

    /// `db.backup`: an online copy of the database at an absolute path on the daemon's host.
    func dbBackup(_ params: RPCParams) throws -> RPCResult {
        let path = try params.requiredString("path")
        let force = try params.bool("force") ?? false
        return Self.later { [commands] in
            let report = try await commands.backup(to: path, replacing: force)
            return ["path": .string(report.path), "bytes": .integer(report.bytes), "pages": JSONValue(report.pages),
                    "runs": JSONValue(report.runs), "milliseconds": .integer(report.milliseconds), "integrity": "ok",
                    "archive_path": JSONValue(report.archivePath), "archived_runs": JSONValue(report.archivedRuns)]
        }
    }

    static func json(_ result: UserQueryResult) -> JSONValue {
        ["columns": .array(result.columns.map(JSONValue.string)),
         "rows": .array(result.rows.map { .array($0.map(json)) }),
         "offset": JSONValue(result.offset),
         "next_offset": result.nextOffset.map { JSONValue($0) } ?? .null]
    }

    /// A value as JSON: numbers and text as they are, a blob as `x'hex'` (SQL's own
    /// notation), and infinities (JSON has none) as the strings `Inf` and `-Inf`.
    static func json(_ cell: UserQueryCell) -> JSONValue {
        switch cell {
        case .null: .null
        case .integer(let number): .integer(number)
        case .real(let number) where number.isFinite: .real(number)
        case .real(let number): .string(number > 0 ? "Inf" : number < 0 ? "-Inf" : "NaN")
        case .text(let text): .string(text)
        case .blob(let bytes): .string("x'" + bytes.map { String(format: "%02x", $0) }.joined() + "'")
        }
    }
}
