// tjctl archive: runs moved between the live database and the archive, and what each holds.
import ArgumentParser
import Foundation
import TablejohnKit

struct Archive: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show what the live database and the archive hold, or move runs between them.",
        discussion: """
            Archived runs are kept in a second database beside the live one \
            (tablejohn.archive.db). Pages, graphs, exports and detection leave them out; \
            ?archive=1 on pages and /api/… and --include-archive on tjctl runs, run and export \
            take them in. Moves go in batches while the daemon keeps serving; a run is always \
            in exactly one of the two.
            """,
        subcommands: [ArchiveStatusCommand.self, ArchiveMove.self, ArchiveRestore.self],
        defaultSubcommand: ArchiveStatusCommand.self)
}

struct ArchiveStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Runs, measurements, time span and size of each database.")
    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        try connection.show(try connection.call("archive.status", [:])) { status in
            Output.table(["", "RUNS", "MEASUREMENTS", "OUTPUT LINES", "OLDEST", "NEWEST", "SIZE"], [("live", "live"), ("archive", "archive")].map { name, key in
                let side = status[key]
                return [name, Output.text(side?["runs"]), Output.text(side?["measurements"]), Output.text(side?["output_lines"]),
                        Output.time(side?["oldest"]), Output.time(side?["newest"]),
                        ByteCountText.approximate(Double(side?["bytes"]?.intValue ?? 0))]
            })
            if let path = status["path"]?.stringValue { print("archive file: \(Output.oneLine(path))") }
        }
    }
}

struct ArchiveMove: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "move", abstract: "Move live runs started before a date into the archive.",
        discussion: """
            DATE is a day (2026-06-01, midnight UTC), an RFC 3339 time, or an age such as 180d \
            or 26w, counted back from the daemon's clock.
            Examples:
              tjctl archive move --before 180d
              tjctl archive move --before 2026-01-01 --ref main --keep-last 200
            """)
    @OptionGroup var connection: ConnectionOptions
    @Option(help: ArgumentHelp("Runs started before this date.", valueName: "date")) var before: String
    @Option(help: "Only runs of commits on this ref's first-parent history.") var ref: String?
    @Option(help: ArgumentHelp("The newest N runs of the selection stay live, however old.", valueName: "N")) var keepLast: Int?

    func validate() throws {
        if let keepLast, keepLast < 0 { throw ValidationError("--keep-last must not be negative") }
    }

    func run() throws {
        var params: JSONObject = ["before": .string(before)]
        if let ref { params["ref"] = .string(ref) }
        if let keepLast { params["keep_last"] = JSONValue(keepLast) }
        try connection.show(try connection.call("archive.move", params)) { report in
            print("moved \(Output.text(report["moved"])) runs started before \(Output.time(report["before"])) to the archive "
                  + "(\(Output.text(report["batches"])) batches, \(Output.text(report["milliseconds"])) ms)")
        }
    }
}

struct ArchiveRestore: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore", abstract: "Move archived runs back into the live database (all of them unless limited).")
    @OptionGroup var connection: ConnectionOptions
    @Option(help: ArgumentHelp("Only runs started before this date.", valueName: "date")) var before: String?
    @Option(help: ArgumentHelp("Only runs started at or after this date.", valueName: "date")) var after: String?

    func run() throws {
        var params = JSONObject()
        if let before { params["before"] = .string(before) }
        if let after { params["after"] = .string(after) }
        try connection.show(try connection.call("archive.restore", params)) { report in
            print("restored \(Output.text(report["restored"])) runs from the archive "
                  + "(\(Output.text(report["batches"])) batches, \(Output.text(report["milliseconds"])) ms)")
        }
    }
}
