// tjctl submit and tjctl import: runs produced elsewhere.
import ArgumentParser
import Foundation
import TablejohnKit

struct Submit: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Store a run made elsewhere, from result files of a benchmark harness.",
        discussion: "Formats, detected unless --format is given: \(ResultFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
    @OptionGroup var connection: ConnectionOptions
    @Option(help: ArgumentHelp("The commit the results belong to (a hash, ref or HEAD~2).", valueName: "rev")) var commit: String
    @Option(help: ArgumentHelp("The runner or machine that produced them.", valueName: "name")) var runner: String?
    @Option(help: ArgumentHelp("Read the files in this format instead of detecting it.", valueName: "format")) var format: String?
    @Argument(help: ArgumentHelp("Result files; - reads standard input.", valueName: "file")) var files: [String]

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("give at least one result file") }
        if let format, ResultFormat(rawValue: format) == nil {
            throw ValidationError("--format must be one of \(ResultFormat.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    func run() throws {
        let contents = try files.map { try readInput($0) }
        var params: JSONObject = ["commit": .string(commit), "files": .array(contents.map { .string(String(decoding: $0, as: UTF8.self)) }),
                                  "names": .array(files.map { .string($0 == "-" ? "standard input" : $0) })]
        if let runner { params["runner"] = .string(runner) }
        if let format { params["format"] = .string(format) }
        try connection.show(try connection.call("runs.submit", params)) { result in
            print("stored run \(Output.text(result["id"])) for \(Output.shortHash(result["commit"])): "
                + "\(Output.text(result["measurements"])) measurements (\(result["formats"]?.arrayValue?.map { Output.text($0) }.joined(separator: ", ") ?? ""))")
        }
    }
}

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import runs from another tablejohn's JSON export (tjctl export --json); runs already here are skipped.")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: ArgumentHelp("The export file; - reads standard input.", valueName: "file")) var file: String

    /// Runs go over in calls below the control socket's message limit.
    static let batchBytes = 512 << 10

    func run() throws {
        let value: JSONValue
        do {
            value = try JSONValue.parse(try readInput(file))
        } catch let error as JSONError {
            throw CallFailure(message: "\(file) is not JSON: \(error)")
        }
        guard let runs = value.arrayValue else { throw CallFailure(message: "\(file) is not a JSON array of runs (tjctl export --json)") }
        var totals = (imported: 0, skipped: 0)
        var failed: [JSONValue] = []
        var batch: [JSONValue] = []
        var batchSize = 0
        func send() throws {
            guard !batch.isEmpty else { return }
            let result = try connection.call("runs.import", ["runs": .array(batch)])
            totals.imported += Int(result["imported"]?.doubleValue ?? 0)
            totals.skipped += Int(result["skipped"]?.doubleValue ?? 0)
            failed += result["failed"]?.arrayValue ?? []
            batch.removeAll()
            batchSize = 0
        }
        for run in runs {
            let size = try run.serialized().count
            if batchSize + size > Self.batchBytes { try send() }
            batch.append(run)
            batchSize += size
        }
        try send()
        print("imported \(totals.imported) runs, skipped \(totals.skipped) already present")
        if !failed.isEmpty {
            for failure in failed { print("failed \(Output.text(failure["id"])): \(Output.text(failure["error"]))") }
            throw CallFailure(message: "\(failed.count) runs could not be imported")
        }
    }
}

/// The bytes of `path`, or of standard input for `-`.
func readInput(_ path: String) throws -> [UInt8] {
    if path == "-" { return Array(FileHandle.standardInput.readDataToEndOfFile()) }
    guard let data = FileManager.default.contents(atPath: path) else { throw CallFailure(message: "cannot read \(path)") }
    return Array(data)
}
