// tjctl sql and tjctl backup: reading the database with SQL, and copying it while it serves.
import ArgumentParser
import Foundation
import TablejohnKit

struct SQL: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sql",
        abstract: "Run one read-only SQL statement on the daemon's database.",
        discussion: """
            The statement runs on a read-only connection of its own, within the daemon's time \
            limit ([sql] timeout, 5 s by default). Anything that would write (INSERT, DELETE, \
            ATTACH, PRAGMA settings, several statements, VACUUM INTO, load_extension) is refused \
            and nothing changes. Secret columns (password hashes, token digests) read as NULL. \
            SCHEMA.md documents the tables. Rows come a page at a time (--limit, at most \
            [sql] max-rows); --offset N skips N rows, --all reads every page (each page runs \
            the statement again, on the database as it is then).
            Examples:
              tjctl sql "SELECT name, unit, direction FROM metrics"
              tjctl sql --csv "SELECT * FROM runs" --all > runs.csv
            """)
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "One SELECT (or WITH … SELECT, VALUES, informational PRAGMA) statement.") var statement: String
    @Flag(help: "Print CSV (a header line, then one line per row).") var csv = false
    @Option(help: "Rows per page.") var limit: Int = 1000
    @Option(help: "Skip this many rows first.") var offset: Int = 0
    @Flag(help: "Read every page, not just the first.") var all = false

    func validate() throws {
        guard !(csv && connection.json) else { throw ValidationError("give --csv or --json, not both") }
        guard limit > 0 else { throw ValidationError("--limit must be at least 1") }
        guard offset >= 0 else { throw ValidationError("--offset must not be negative") }
    }

    func run() throws {
        var reply = try page(offset)
        var rows = reply["rows"]?.arrayValue ?? []
        while all, let next = reply["next_offset"]?.intValue {
            reply = try page(Int(next))
            rows += reply["rows"]?.arrayValue ?? []
        }
        let columns = reply["columns"]?.arrayValue?.map { $0.stringValue ?? "" } ?? []
        let next = reply["next_offset"]?.intValue
        if connection.json {
            print(try JSONValue.object(["columns": .array(columns.map(JSONValue.string)), "rows": .array(rows),
                                        "offset": JSONValue(offset), "next_offset": JSONValue(next)]).jsonString())
        } else if csv {
            print(columns.map(CSVField.text).joined(separator: ","))
            for row in rows { print((row.arrayValue ?? []).map(Self.csvCell).joined(separator: ",")) }
        } else {
            let cells = rows.map { ($0.arrayValue ?? []).map(Self.tableCell) }
            if cells.isEmpty { print(columns.joined(separator: "  ")) } else { Output.table(columns, cells) }
        }
        if let next {
            FileHandle.standardError.write(Data("tjctl: more rows follow; --offset \(next) shows the next page, --all every page\n".utf8))
        }
    }

    private func page(_ start: Int) throws -> JSONValue {
        try connection.call("db.query", ["sql": .string(statement), "limit": JSONValue(limit), "offset": JSONValue(start)])
    }

    static func tableCell(_ value: JSONValue) -> String {
        value == .null ? "NULL" : Output.text(value)
    }

    static func csvCell(_ value: JSONValue) -> String {
        switch value {
        case .null: ""
        case .integer(let number): String(number)
        case .real(let number): String(number)
        case .string(let text): CSVField.text(text)
        default: CSVField.text((try? value.jsonString()) ?? "")
        }
    }
}

struct Backup: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy the live database to FILE while the daemon keeps serving.",
        discussion: """
            SQLite's online backup, from one snapshot: the copy holds everything committed when \
            the backup started, and passes PRAGMA integrity_check before this command succeeds. \
            The daemon writes FILE, as its own user and on its own host (a relative FILE is \
            made absolute against this command's directory first); under the systemd unit only \
            its state folder (/var/lib/tablejohn) is writable. An existing FILE is refused \
            unless --force is given. When the archive holds runs (tjctl archive), it is copied \
            from the same moment to FILE.archive; to restore, stop the daemon and copy FILE to \
            tablejohn.db and FILE.archive to tablejohn.archive.db.
            """)
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "Where the daemon writes the copy.") var file: String
    @Flag(help: "Replace FILE if it exists.") var force = false

    func run() throws {
        let path = file.hasPrefix("/") ? file : FileManager.default.currentDirectoryPath + "/" + file
        try connection.show(try connection.call("db.backup", ["path": .string(path), "force": .bool(force)])) { report in
            let megabytes = Double(report["bytes"]?.intValue ?? 0) / 1_048_576
            let seconds = Double(report["milliseconds"]?.intValue ?? 0) / 1000
            print("backed up \(Output.text(report["runs"])) runs to \(Output.text(report["path"])) "
                  + "(\(String(format: "%.1f", megabytes)) MiB, \(Output.text(report["pages"])) pages, \(String(format: "%.1f", seconds)) s); integrity ok")
            if let archive = report["archive_path"]?.stringValue {
                print("and \(Output.text(report["archived_runs"])) archived runs to \(Output.oneLine(archive)); integrity ok")
            }
        }
    }
}
