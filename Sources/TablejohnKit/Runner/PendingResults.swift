// Finished runs not yet acknowledged, kept on disk so a runner restart does not lose them.
import Foundation

/// One small JSON file per finished run and server in a folder of the runner's (its
/// work directory's `pending/`). A file is written atomically (a temporary file,
/// fsync'd, renamed, the folder fsync'd) when the run ends, removed once the server
/// acknowledged it or refused it for good, and read back when the runner starts.
/// The server takes a resent run it already stored as an acknowledgement (same id,
/// same runner), so a result lands exactly once.
struct PendingResults: Sendable {
    let directory: String

    /// Where the running bench script's process mark is kept (not a pending result).
    var markFile: String { directory + "/running.mark" }

    /// Pending files larger than this are not read back (a run's output is at most 4 MiB raw).
    static let maximumFileBytes = 128 << 20

    /// Opens the folder. With `exclusive`, takes a lock on it for the rest of this
    /// process's life and throws when another process holds it: two runners sharing a
    /// folder would deliver and kill each other's runs.
    init(directory: String, exclusive: Bool = false) throws {
        self.directory = directory
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        if exclusive {
            let fd = open(directory + "/lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
            guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
            guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
                close(fd)
                throw RunnerWireError(message: "another runner process uses \(directory)")
            }
            // Kept open (and locked) until the process exits.
        }
    }

    /// Writes `run`, to be delivered to `server`. Failures are thrown; the run stays in memory anyway.
    func save(_ run: FinishedRun, server: String) throws {
        let bytes = try Self.encode(run, server: server).serialized()
        let path = self.path(run.order.id, server: server)
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else {
                let failure = errno
                close(fd)
                unlink(temporary)
                throw POSIXError(POSIXErrorCode(rawValue: failure) ?? .EIO)
            }
            written += count
        }
        let synced = fsync(fd)
        close(fd)
        guard synced == 0, rename(temporary, path) == 0 else {
            let failure = errno
            unlink(temporary)
            throw POSIXError(POSIXErrorCode(rawValue: failure) ?? .EIO)
        }
        syncDirectory()
    }

    /// Forgets the run `runID` for `server` (acknowledged, or refused for good).
    func remove(_ runID: String, server: String) {
        if unlink(path(runID, server: server)) == 0 { syncDirectory() }
    }

    /// Every pending run with its server's URL; unreadable files are skipped and named in `problems`.
    func load() -> (runs: [(run: FinishedRun, server: String)], problems: [String]) {
        var runs: [(FinishedRun, String)] = []
        var problems: [String] = []
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
        for name in names {
            let path = directory + "/" + name
            do {
                let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
                guard size <= Self.maximumFileBytes, let data = FileManager.default.contents(atPath: path) else {
                    throw RunnerWireError(message: "too large or unreadable")
                }
                let value = try JSONValue.parse(Array(data), limits: JSONLimits(maximumBytes: Self.maximumFileBytes, maximumDepth: 16))
                runs.append(try Self.decode(value))
            } catch {
                problems.append("\(path): \(error)")
            }
        }
        return (runs, problems)
    }

    /// The file of a run for a server: the run id's safe characters and a hash of both.
    private func path(_ runID: String, server: String) -> String {
        let safe = String(runID.filter { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }.prefix(64))
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in Array(runID.utf8) + [0] + Array(server.utf8) {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        return directory + "/run-\(safe)-\(String(hash, radix: 16)).json"
    }

    private func syncDirectory() {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 {
            fsync(fd)
            close(fd)
        }
    }

    static func encode(_ run: FinishedRun, server: String) -> JSONValue {
        let finite = run.measurements.filter { measurement in
            ([measurement.value] + (measurement.samples ?? []) + [measurement.lower, measurement.upper].compactMap { $0 }).allSatisfy(\.isFinite)
        }
        return [
            "server": .string(server),
            "order": ["id": .string(run.order.id), "hash": .string(run.order.hash), "method": run.order.method.json,
                      "timeout_ms": .integer(run.order.timeout.milliseconds), "start": .string(run.order.start),
                      "format": JSONValue(run.order.format?.rawValue)],
            "start": .integer(run.start), "end": .integer(run.end), "exit_code": JSONValue(run.exitCode),
            "output": RunJSON.output(run.output),
            "conditions": run.conditions?.json ?? .null,
            "measurements": .array(finite.map { measurement in
                ["metric": .string(measurement.metric), "value": .real(measurement.value), "unit": JSONValue(measurement.unit),
                 "samples": measurement.samples.map { .array($0.map(JSONValue.real)) } ?? .null,
                 "lower": JSONValue(measurement.lower), "upper": JSONValue(measurement.upper)]
            }),
        ]
    }

    static func decode(_ value: JSONValue) throws -> (run: FinishedRun, server: String) {
        guard case .string(let server)? = value["server"], let order = value["order"],
              case .string(let id)? = order["id"], case .string(let hash)? = order["hash"], case .string(let start)? = order["start"],
              let timeout = order["timeout_ms"]?.intValue, let method = order["method"],
              let begun = value["start"]?.intValue, let ended = value["end"]?.intValue, let exitCode = value["exit_code"]?.intValue,
              let exit = Int(exactly: exitCode) else {
            throw RunnerWireError(message: "not a pending result")
        }
        let output: [RunOutput.Line] = (value["output"]?.arrayValue ?? []).compactMap { line in
            guard let source = line.arrayValue?.first?.stringValue.flatMap(OutputSource.init(rawValue:)),
                  let text = line.arrayValue?.last?.stringValue else { return nil }
            return (source, text)
        }
        let measurements: [Measurement] = (value["measurements"]?.arrayValue ?? []).compactMap { item in
            guard let metric = item["metric"]?.stringValue, let number = item["value"]?.doubleValue else { return nil }
            return try? Measurement(metric: metric, value: number, unit: item["unit"]?.stringValue,
                                    samples: item["samples"]?.arrayValue?.compactMap(\.doubleValue),
                                    lower: item["lower"]?.doubleValue, upper: item["upper"]?.doubleValue)
        }
        // The method as a reply sends it (`RunnerProtocol`), read as strictly.
        let runOrder = RunOrder(id: id, hash: hash, method: try RunOrder.Method(json: method), timeout: .milliseconds(timeout), start: start,
                                format: order["format"]?.stringValue.flatMap(ResultFormat.init(rawValue:)))
        let conditions = value["conditions"].flatMap { $0 == .null ? nil : try? RunConditions(json: $0) }
        return (FinishedRun(order: runOrder, start: begun, end: ended, exitCode: exit, output: output, measurements: measurements,
                            conditions: conditions), server)
    }
}
