// One run on the runner: fetch and unpack the trees, run the bench method, collect results.
import Foundation

/// Performs a `RunOrder` in a directory of its own under the work directory and
/// removes it afterwards. Every failure (archive, bench script, results file) becomes
/// a failed run with the reason in its output, never a thrown error.
struct BenchExecution: Sendable {
    var order: RunOrder
    var client: RunnerServerClient
    var workDirectory: String
    let output = RunOutput()

    /// The exit code reported when the run could not start (no archive, no script).
    static let setupFailure = 125
    /// Results files larger than this fail the run (the server takes at most 8 MiB of JSON anyway).
    static let maximumResultsBytes = 16 << 20

    /// A file that holds the running script's process mark, so that a runner restarted
    /// after a kill can stop what this run left behind; nil: not kept.
    var markFile: String?
    /// The machine's runs in progress, to tell whether this one shares the machine.
    let machineRuns = MachineRuns()

    init(order: RunOrder, client: RunnerServerClient, workDirectory: String, markFile: String? = nil) {
        self.order = order
        self.client = client
        self.workDirectory = workDirectory
        self.markFile = markFile
    }

    func run() async -> FinishedRun {
        let registration = machineRuns.begin(runID: order.id)
        defer { registration?.end() }
        var conditions = MachineRuns.conditionsNow(registration: registration)
        let start = Timestamp.now()
        // The run id comes from the server: only its safe characters name the folder.
        let directory = workDirectory + "/run-" + String(order.id.filter { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }.prefix(64))
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var exitCode = 0
        var measurements: [Measurement] = []
        do {
            let checkout = directory + "/checkout"
            try FileManager.default.createDirectory(atPath: checkout, withIntermediateDirectories: true)
            output.append(.internal, "tablejohn: fetching the tree of \(order.hash)")
            try ArchiveExtractor.extract(try await client.treeArchive(hash: order.hash, benchRepo: false), into: checkout)
            switch order.method {
            case .internal:
                measurements = try InternalBenchmark.measurements(directory: checkout)
                output.append(.internal, "tablejohn: counted \(measurements.first { $0.metric == "files" }.map { Int($0.value) } ?? 0) files")
            case .command(let command):
                (exitCode, measurements) = try await runScript(["/bin/sh", "-c", command], checkout: checkout, directory: directory)
            case .benchRepo(let benchHash, let entry):
                let bench = directory + "/bench"
                try FileManager.default.createDirectory(atPath: bench, withIntermediateDirectories: true)
                output.append(.internal, "tablejohn: fetching the bench repository at \(benchHash)")
                try ArchiveExtractor.extract(try await client.treeArchive(hash: benchHash, benchRepo: true), into: bench)
                let script = bench + "/" + entry
                guard FileManager.default.fileExists(atPath: script) else {
                    throw RunnerWireError(message: "the bench repository has no \(entry)")
                }
                let arguments = FileManager.default.isExecutableFile(atPath: script) ? [script] : ["/bin/sh", script]
                (exitCode, measurements) = try await runScript(arguments, checkout: checkout, directory: directory)
            }
        } catch {
            output.append(.internal, "tablejohn: \(error)")
            exitCode = Self.setupFailure
        }
        if registration?.othersRunning == true { conditions.sharedMachine = true }
        return FinishedRun(order: order, start: start, end: Timestamp.now(), exitCode: exitCode, output: output.lines,
                           measurements: measurements, conditions: conditions)
    }

    /// Runs a bench script in the checkout with SPEC §6's environment; reads its results file.
    private func runScript(_ arguments: [String], checkout: String, directory: String) async throws -> (Int, [Measurement]) {
        let results = directory + "/results.json"
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("TABLEJOHN_") }
        environment["TABLEJOHN_REPO"] = checkout
        environment["TABLEJOHN_COMMIT"] = order.hash
        environment["TABLEJOHN_RUN_ID"] = order.id
        environment["TABLEJOHN_RESULTS"] = results
        output.append(.internal, "tablejohn: running \(arguments.joined(separator: " "))")
        let mark = UUID().uuidString
        if let markFile { try? Data(mark.utf8).write(to: URL(fileURLWithPath: markFile), options: .atomic) }
        defer { if let markFile { try? FileManager.default.removeItem(atPath: markFile) } }
        let end = try await BenchProcess.run(arguments, directory: checkout, environment: environment, timeout: order.timeout, output: output,
                                             mark: mark)
        switch end {
        case .exited(let code): output.append(.internal, "tablejohn: exited with code \(code)")
        case .signalled(let signal): output.append(.internal, "tablejohn: killed by signal \(signal)")
        case .timedOut: output.append(.internal, "tablejohn: the run took longer than its \(order.timeout) limit; its process group was killed")
        case .aborted: output.append(.internal, "tablejohn: aborted by the server")
        }
        // The results file, or stdout when the script wrote none; either in the format
        // the server named or in the one detected. Unreadable results fail the run.
        let written: [UInt8]
        do {
            written = try Self.readResults(results)
        } catch {
            output.append(.internal, "tablejohn: no results read: \(error)")
            return (end.exitCode == 0 ? 1 : end.exitCode, [])
        }
        let source = written.isEmpty ? "stdout" : "the results file"
        let bytes = written.isEmpty
            ? Array(output.lines.filter { $0.source == .stdout }.map(\.text).joined(separator: "\n").utf8) : written
        do {
            let (format, measurements) = try ResultReader.read(bytes, format: order.format)
            output.append(.internal, "tablejohn: \(measurements.count) measurements read from \(source) as \(format)")
            return (end.exitCode, measurements)
        } catch {
            output.append(.internal, "tablejohn: no results read from \(source): \(error)")
            return (end.exitCode == 0 ? 1 : end.exitCode, [])
        }
    }

    /// The results file's bytes (none when the script wrote no file). A file over
    /// `maximumResultsBytes`, or one that is not a regular file, is refused unread.
    static func readResults(_ path: String) throws(RunnerWireError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return [] }
            throw RunnerWireError(message: "the results file cannot be opened: \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & mode_t(S_IFMT)) == mode_t(S_IFREG) else {
            throw RunnerWireError(message: "the results file is not a regular file")
        }
        let limit = maximumResultsBytes
        guard info.st_size <= limit else {
            throw RunnerWireError(message: "the results file has \(info.st_size) bytes, more than the \(limit >> 20) MiB limit")
        }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count < 0 { throw RunnerWireError(message: "the results file cannot be read: \(String(cString: strerror(errno)))") }
            if count == 0 { return bytes }
            // It may still be growing (a descendant writing): the limit holds for what is read.
            guard bytes.count + count <= limit else {
                throw RunnerWireError(message: "the results file has more than the \(limit >> 20) MiB limit")
            }
            bytes.append(contentsOf: buffer[0..<count])
        }
    }
}
