// tjctl runs, run and export.
import ArgumentParser
import Foundation
import TablejohnKit

/// Filters shared by `runs` and `export`.
struct RunFilterOptions: ParsableArguments {
    @Option(help: "Only runs of this commit.") var commit: String?
    @Option(help: "Only runs of commits on this ref's first-parent history.") var ref: String?
    @Option(help: "Only runs (or rows) of this metric.") var metric: String?
    @Option(help: "Only runs by this runner.") var runner: String?
    @Option(help: "Only runs started at or after this time (RFC 3339 or YYYY-MM-DD).") var since: String?
    @Option(help: "Only runs started before this time.") var until: String?
    @Flag(help: "Archived runs too (tjctl archive).") var includeArchive = false

    var params: JSONObject {
        var params = JSONObject()
        for (key, value) in [("commit", commit), ("ref", ref), ("metric", metric), ("runner", runner), ("since", since), ("until", until)] {
            if let value { params[key] = .string(value) }
        }
        if includeArchive { params["include_archive"] = true }
        return params
    }
}

struct Runs: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List runs, newest first.")
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var filter: RunFilterOptions
    @Option(help: "At most this many.") var limit: Int = 50

    func run() throws {
        var params = filter.params
        params["limit"] = JSONValue(limit)
        try connection.show(try connection.call("runs.list", params)) { result in
            Output.table(["RUN", "COMMIT", "RUNNER", "METHOD", "START", "EXIT", "MEASUREMENTS"], result["runs"]?.arrayValue?.map { run in
                [Output.text(run["id"]), Output.shortHash(run["commit"]), Output.text(run["runner"]), Output.text(run["bench_method"]),
                 Output.time(run["start"]), Output.text(run["exit_code"]), Output.text(run["measurements"])]
            } ?? [])
        }
    }
}

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Show one run with its measurements and output.")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The run's id.") var id: String
    @Flag(help: "Look in the archive too (tjctl archive).") var includeArchive = false

    func run() throws {
        try connection.show(try connection.call("runs.get", ["id": .string(id), "include_archive": .bool(includeArchive)])) { run in
            print("run          \(Output.text(run["id"]))\(run["archived"] == .bool(true) ? " (archived)" : "")")
            print("commit       \(Output.text(run["commit"]))")
            print("runner       \(Output.text(run["runner"])) (\(Output.text(run["origin"])))")
            print("method       \(Output.text(run["bench_method"]))")
            print("time         \(Output.text(run["start"])) to \(Output.text(run["end"]))")
            print("exit code    \(Output.text(run["exit_code"]))")
            print("")
            Output.table(["METRIC", "VALUE", "UNIT"], run["measurements"]?.objectValue?.entries.map { entry in
                [Output.oneLine(entry.key), Output.text(entry.value["value"]), Output.text(entry.value["unit"])]
            } ?? [])
            if let output = run["output"]?.arrayValue, !output.isEmpty {
                print("")
                for line in output {
                    print("[\(Output.text(line.arrayValue?.first))] \(Output.text(line.arrayValue?.last))")
                }
            }
        }
    }
}

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Export measurements as CSV or runs as JSON, page by page, to standard output or a file.")
    @Option(help: ArgumentHelp("The daemon's control socket.", valueName: "path")) var socket: String?
    @OptionGroup var filter: RunFilterOptions
    @Flag(help: "One CSV row per measurement (the default).") var csv = false
    @Flag(name: .customLong("json"), help: "A JSON array of runs with their measurements.") var jsonRuns = false
    @Option(name: .shortAndLong, help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file"))
    var output: String?

    func validate() throws {
        guard !(csv && jsonRuns) else { throw ValidationError("choose one of --csv and --json") }
    }

    func run() throws {
        let handle: FileHandle
        if let output {
            // Opened in place, not created by rename: `-o /dev/null` or a named pipe must stay what it is.
            let fd = open(output, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw CallFailure(message: "cannot write \(output): \(String(cString: strerror(errno)))") }
            handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        } else {
            handle = FileHandle.standardOutput
        }
        let client: RPCClient
        do { client = try RPCClient(socketPath: ConnectionOptions.locateSocket(socket)) } catch { throw CallFailure(message: "\(error)") }
        var params = filter.params
        if jsonRuns {
            try exportRuns(client, params, to: handle)
        } else {
            // CSV comes as one stream of raw bytes, written out as it arrives.
            params["format"] = "csv"
            params["stream"] = true
            do {
                _ = try client.stream("runs.export", params) { bytes in try Self.write(bytes, to: handle.fileDescriptor) }
            } catch let error as RPCError {
                throw CallFailure(error)
            } catch let error as CallFailure {
                throw error
            } catch { throw CallFailure(message: "\(error)") }
        }
        if output != nil { try handle.close() }
    }

    /// Runs as a JSON array, page by page.
    private func exportRuns(_ client: RPCClient, _ filterParams: JSONObject, to handle: FileHandle) throws {
        var params = filterParams
        params["format"] = "json"
        var first = true
        handle.write(Data("[".utf8))
        while true {
            let page: JSONValue
            do { page = try client.call("runs.export", params) } catch let error as RPCError {
                throw CallFailure(error)
            } catch { throw CallFailure(message: "\(error)") }
            for run in page["runs"]?.arrayValue ?? [] {
                handle.write(Data(((first ? "\n" : ",\n") + (try run.jsonString())).utf8))
                first = false
            }
            guard case .string(let cursor)? = page["next_cursor"] else { break }
            params["cursor"] = .string(cursor)
        }
        handle.write(Data("\n]\n".utf8))
    }

    private static func write(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32) throws {
        var offset = 0
        while offset < bytes.count {
            let written = Foundation.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { throw CallFailure(message: "cannot write the export: \(String(cString: strerror(errno)))") }
            offset += written
        }
    }
}
