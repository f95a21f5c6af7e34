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

    public init(order: RunOrder, start: Int64, end: Int64, exitCode: Int, output: [RunOutput.Line], measurements: [Measurement]) {
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
                           lastOutput: [RunOutput.Line]) -> JSONValue {
        var body: JSONObject = ["secret": .string(secret), "fingerprint": fingerprint, "info": JSONValue(info)]
        switch plan.activity {
        case .idle: body["status"] = ["type": "idle"]
        case .busy: body["status"] = ["type": "busy"]
        case .working(let order):
            body["status"] = ["type": "working", "run": [
                "id": .string(order.id), "hash": .string(order.hash), "bench_method": .string(order.method.name),
                "start": .string(order.start), "last_output": lines(lastOutput),
            ]]
        }
        if plan.requestRun { body["request_run"] = true }
        if let run = plan.submission { body["submit_run"] = submission(run) }
        return .object(body)
    }

    static func submission(_ run: FinishedRun) -> JSONValue {
        var measurements = JSONObject()
        for measurement in run.measurements {
            var fields: JSONObject = ["value": .real(measurement.value)]
            if let unit = measurement.unit { fields["unit"] = .string(unit) }
            if let samples = measurement.samples { fields["samples"] = .array(samples.map(JSONValue.real)) }
            if let lower = measurement.lower { fields["lower"] = .real(lower) }
            if let upper = measurement.upper { fields["upper"] = .real(upper) }
            measurements[measurement.metric] = .object(fields)
        }
        return [
            "id": .string(run.order.id), "hash": .string(run.order.hash), "bench_method": .string(run.order.method.name),
            "start": .string(Timestamp.rfc3339(milliseconds: run.start)), "end": .string(Timestamp.rfc3339(milliseconds: run.end)),
            "exit_code": JSONValue(run.exitCode), "output": lines(run.output), "measurements": .object(measurements),
        ]
    }

    private static func lines(_ lines: [RunOutput.Line]) -> JSONValue {
        .array(lines.map { [.string($0.source.rawValue), .string($0.text)] })
    }

    /// Reads a status reply.
    static func reply(_ value: JSONValue) throws(RunnerWireError) -> StatusReply {
        guard case .object(let reply) = value else { throw RunnerWireError(message: "the reply is not a JSON object") }
        let abort = reply["abort_run"] == .bool(true)
        guard let run = reply["run"], run != .null else { return StatusReply(run: nil, abort: abort) }
        guard case .string(let id)? = run["id"], case .string(let hash)? = run["hash"], case .string(let start)? = run["start"],
              let timeout = run["timeout_s"]?.doubleValue, timeout > 0, case .string(let type)? = run["bench_method"]?["type"] else {
            throw RunnerWireError(message: "the reply's run lacks id, hash, start, timeout_s or bench_method")
        }
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
            method = .benchRepo(hash: benchHash, entry: entry)
        default:
            throw RunnerWireError(message: "unknown bench method \(type.debugDescription)")
        }
        var format: ResultFormat?
        if case .string(let name)? = run["bench_method"]?["format"] {
            guard let known = ResultFormat(rawValue: name) else { throw RunnerWireError(message: "unknown result format \(name.debugDescription)") }
            format = known
        }
        return StatusReply(run: RunOrder(id: id, hash: hash, method: method, timeout: .milliseconds(Int64(timeout * 1000)), start: start,
                                         format: format), abort: abort)
    }
}
