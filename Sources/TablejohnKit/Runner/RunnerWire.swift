// The runner's side of the status call's wire shapes (RUNNERS.md documents each field).
import Foundation

/// A run a server handed out: the reply's `run`.
public struct RunOrder: Sendable, Equatable {
    public enum Method: Sendable, Equatable {
        case `internal`
        case command(String)
        case benchRepo(hash: String, entry: String)

        /// The name the run records: `internal`, `command` or `bench-repo`.
        public var name: String {
            switch self {
            case .internal: "internal"
            case .command: "command"
            case .benchRepo: "bench-repo"
            }
        }
    }

    public var id: String
    public var hash: String
    public var method: Method
    public var timeout: Duration
    /// The server's start time, RFC 3339.
    public var start: String
    /// The result format the server's `[bench] format` names; nil: detected from the output.
    public var format: ResultFormat?

    public init(id: String, hash: String, method: Method, timeout: Duration, start: String, format: ResultFormat? = nil) {
        self.id = id
        self.hash = hash
        self.method = method
        self.timeout = timeout
        self.start = start
        self.format = format
    }
}

/// A run that ended on the runner and waits for its server's acknowledgement.
public struct FinishedRun: Sendable {
    public var order: RunOrder
    /// Unix milliseconds.
    public var start: Int64
    public var end: Int64
    public var exitCode: Int
    public var output: [RunOutput.Line]
    public var measurements: [Measurement]
    /// What could have skewed it (load, governor, another run at the same time).
    public var conditions: RunConditions?

    public init(order: RunOrder, start: Int64, end: Int64, exitCode: Int, output: [RunOutput.Line], measurements: [Measurement],
                conditions: RunConditions? = nil) {
        self.conditions = conditions
        self.order = order
        self.start = start
        self.end = end
        self.exitCode = exitCode
        self.output = output
        self.measurements = measurements
    }
}

/// A status reply as the runner reads it.
public struct StatusReply: Sendable, Equatable {
    public var run: RunOrder?
    public var abort: Bool

    public init(run: RunOrder?, abort: Bool) {
        self.run = run
        self.abort = abort
    }
}

/// A reply the runner cannot use.
public struct RunnerWireError: Error, CustomStringConvertible, Equatable {
    public var message: String
    public var description: String { message }
}

enum RunnerWire {
    /// The body of a status call.
    static func statusBody(_ plan: StatusPlan, secret: String, info: String?, fingerprint: JSONValue,
                           lastOutput: [RunOutput.Line], outputBudget: Int = outputBudget) -> JSONValue {
        var body: JSONObject = ["secret": .string(secret), "fingerprint": fingerprint, "info": JSONValue(info)]
        switch plan.activity {
        case .idle: body["status"] = ["type": "idle"]
        case .busy: body["status"] = ["type": "busy"]
        case .working(let order):
            body["status"] = ["type": "working", "run": [
                "id": .string(order.id), "hash": .string(order.hash), "bench_method": .string(order.method.name),
                "start": .string(order.start),
                "last_output": lines(lastOutput.map { ($0.source, String($0.text.prefix(liveLineLength))) }),
            ]]
        }
        if plan.requestRun { body["request_run"] = true }
        if let paused = plan.paused { body["paused"] = .string(paused) }
        if let run = plan.submission { body["submit_run"] = submission(run, outputBudget: outputBudget) }
        return .object(body)
    }

    /// The encoded bytes a submission's output may take by default: with the status
    /// call's other fields it stays under the server's 8 MiB limit.
    static let outputBudget = 7 << 20
    /// Live output lines are cut to this many characters (the server keeps no more).
    static let liveLineLength = 2_000

    /// A finished run as `submit_run`. Output lines are kept, first to last, while their
    /// encoded size (as JSON escapes them) fits `outputBudget`; a final line says how many
    /// were cut. Measurements with a number that JSON cannot carry (NaN, infinity) are
    /// dropped with a line saying so, so a submission can always be encoded.
    static func submission(_ run: FinishedRun, outputBudget: Int = outputBudget) -> JSONValue {
        var measurements = JSONObject()
        var notes: [String] = []
        for measurement in run.measurements {
            let numbers = [measurement.value] + (measurement.samples ?? []) + [measurement.lower, measurement.upper].compactMap { $0 }
            guard numbers.allSatisfy(\.isFinite) else {
                notes.append("tablejohn: measurement \(measurement.metric.debugDescription) dropped: not a finite number")
                continue
            }
            var fields: JSONObject = ["value": .real(measurement.value)]
            if let unit = measurement.unit { fields["unit"] = .string(unit) }
            if let samples = measurement.samples { fields["samples"] = .array(samples.map(JSONValue.real)) }
            if let lower = measurement.lower { fields["lower"] = .real(lower) }
            if let upper = measurement.upper { fields["upper"] = .real(upper) }
            measurements[measurement.metric] = .object(fields)
        }
        var kept: [RunOutput.Line] = []
        var used = 0
        for line in run.output {
            let size = encodedSize(line.text) + 16
            guard used + size <= outputBudget else { break }
            kept.append(line)
            used += size
        }
        if kept.count < run.output.count {
            notes.append("tablejohn: output truncated to fit the server's size limit; \(run.output.count - kept.count) more lines were not sent")
        }
        var submission: JSONObject = [
            "id": .string(run.order.id), "hash": .string(run.order.hash), "bench_method": .string(run.order.method.name),
            "start": .string(Timestamp.rfc3339(milliseconds: run.start)), "end": .string(Timestamp.rfc3339(milliseconds: run.end)),
            "exit_code": JSONValue(run.exitCode), "output": lines(kept + notes.map { (.internal, $0) }), "measurements": .object(measurements),
        ]
        if let conditions = run.conditions { submission["conditions"] = conditions.json }
        return .object(submission)
    }

    /// The bytes `text` takes as a JSON string's content: control characters are
    /// escaped (`\n` as 2 bytes, the others as `\u00XX`, 6 bytes), `"` and `\` as 2.
    static func encodedSize(_ text: String) -> Int {
        var size = 0
        for byte in text.utf8 {
            switch byte {
            case 0x08, 0x09, 0x0A, 0x0C, 0x0D, 0x22, 0x5C: size += 2
            case 0..<0x20, 0x7F: size += 6
            default: size += 1
            }
        }
        return size
    }

    private static func lines(_ lines: [RunOutput.Line]) -> JSONValue {
        .array(lines.map { [.string($0.source.rawValue), .string($0.text)] })
    }

    /// The longest time limit a reply can set (30 days); longer ones are cut to it.
    static let maximumTimeoutSeconds: Double = 30 * 24 * 3600

    private static func isCommitHash(_ text: String) -> Bool {
        text.utf8.count == 40 && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) || (65...70).contains($0) }
    }

    /// Reads a status reply. Never traps: a value out of range is cut (the time limit) or
    /// refused with a `RunnerWireError`.
    static func reply(_ value: JSONValue) throws(RunnerWireError) -> StatusReply {
        guard case .object(let reply) = value else { throw RunnerWireError(message: "the reply is not a JSON object") }
        let abort = reply["abort_run"] == .bool(true)
        guard let run = reply["run"], run != .null else { return StatusReply(run: nil, abort: abort) }
        guard case .string(let id)? = run["id"], case .string(let hash)? = run["hash"], case .string(let start)? = run["start"],
              let timeout = run["timeout_s"]?.doubleValue, case .string(let type)? = run["bench_method"]?["type"] else {
            throw RunnerWireError(message: "the reply's run lacks id, hash, start, timeout_s or bench_method")
        }
        // Every value is the server's word only: a run id names a folder and goes back in
        // the submission, a hash goes into a URL, and the time limit into a Duration.
        guard (1...128).contains(id.utf8.count), !id.hasControlCharacters else {
            throw RunnerWireError(message: "the reply's run id is empty, longer than 128 bytes or has control characters")
        }
        guard isCommitHash(hash) else { throw RunnerWireError(message: "the reply's run hash is not a full commit hash") }
        guard start.utf8.count <= 64 else { throw RunnerWireError(message: "the reply's run start is longer than 64 bytes") }
        guard timeout.isFinite, timeout > 0 else {
            throw RunnerWireError(message: "the reply's timeout_s must be a positive number of seconds")
        }
        let milliseconds = Int64(min(timeout, maximumTimeoutSeconds) * 1000)
        let method: RunOrder.Method
        switch type {
        case "internal":
            method = .internal
        case "command":
            guard case .string(let command)? = run["bench_method"]?["command"] else { throw RunnerWireError(message: "a command run without \"command\"") }
            method = .command(command)
        case "bench_repo":
            guard case .string(let benchHash)? = run["bench_method"]?["hash"], case .string(let entry)? = run["bench_method"]?["entry"] else {
                throw RunnerWireError(message: "a bench_repo run without \"hash\" and \"entry\"")
            }
            guard isCommitHash(benchHash) else { throw RunnerWireError(message: "a bench_repo run whose hash is not a full commit hash") }
            guard !entry.isEmpty, !entry.hasPrefix("/"), !entry.split(separator: "/").contains(".."), !entry.contains("\0") else {
                throw RunnerWireError(message: "a bench_repo entry must be a relative path inside the bench repository")
            }
            method = .benchRepo(hash: benchHash, entry: entry)
        default:
            throw RunnerWireError(message: "unknown bench method \(type.debugDescription)")
        }
        var format: ResultFormat?
        if case .string(let name)? = run["bench_method"]?["format"] {
            guard let known = ResultFormat(rawValue: name) else { throw RunnerWireError(message: "unknown result format \(name.debugDescription)") }
            format = known
        }
        return StatusReply(run: RunOrder(id: id, hash: hash, method: method, timeout: .milliseconds(milliseconds), start: start,
                                         format: format), abort: abort)
    }
}
