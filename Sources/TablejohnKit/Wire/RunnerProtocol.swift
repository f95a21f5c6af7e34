// The runner protocol, both sides: POST /api/runner/status's request, its reply and the submitted run, field by field as RUNNERS.md documents them, each with its JSON and its strict reading.

/// The runner protocol's shapes (RUNNERS.md; SPEC §5), the one codec both sides call:
/// `tablejohnd runner` encodes a `StatusRequest` and reads a `StatusReply`;
/// `tablejohnd serve` reads the `StatusRequest` and encodes the `StatusReply`. A submitted
/// run (`submit_run`) is a `Run` in `RunJSON`'s submission shape, the one run codec.
/// Field names are the protocol: they stay stable. Reading never traps: a value the
/// other side cannot have meant is a `RunnerWireError` naming the field.
enum RunnerProtocol {
    /// The body of `POST /api/runner/status`.
    struct StatusRequest: Sendable {
        /// `status`: what the runner is doing.
        enum Status: Sendable {
            /// `{"type": "idle"}`
            case idle
            /// `{"type": "busy"}`: working for another server.
            case busy
            /// `{"type": "working", "run": {…}}`
            case working(WorkingRun)
        }

        /// `status.run` of a working runner.
        struct WorkingRun: Sendable {
            /// `id`, required: the run id the server handed out.
            var id: String
            /// `hash`, required: the commit.
            var hash: String
            /// `bench_method`: the method's recorded name (`BenchMethodKind.recordedName`).
            /// The server does not read it.
            var benchMethod: String?
            /// `start`: the start the server sent. The server does not read it.
            var start: String?
            /// `last_output`: the last output lines, `[source, text]` each. Read leniently
            /// (entries of another shape skipped, at most `maximumLastOutput` kept): live output is only shown.
            var lastOutput: [(source: OutputSource, text: String)]

            init(id: String, hash: String, benchMethod: String?, start: String?, lastOutput: [(source: OutputSource, text: String)]) {
                self.id = id
                self.hash = hash
                self.benchMethod = benchMethod
                self.start = start
                self.lastOutput = lastOutput
            }
        }

        /// `secret`, required: 8 to 256 bytes, chosen at random when the runner starts.
        var secret: String
        /// `info`: free-form text about the runner.
        var info: String?
        /// `fingerprint`: the machine, a JSON object; nil when absent or null.
        var fingerprint: JSONValue?
        var status: Status
        /// `request_run`: an idle runner wants work.
        var requestRun: Bool
        /// `paused`: why an idle runner takes no work, as the runner wrote it (the server
        /// bounds it with `PauseReason`).
        var paused: String?
        /// `submit_run`: a finished run (`RunJSON.submission`). Read back, it carries the
        /// authenticated runner's name and the call's fingerprint, origin `runner`.
        var submitRun: Run?

        /// Lines of `last_output` read at most.
        static let maximumLastOutput = 200

        init(secret: String, info: String?, fingerprint: JSONValue?, status: Status, requestRun: Bool = false,
                    paused: String? = nil, submitRun: Run? = nil) {
            self.secret = secret
            self.info = info
            self.fingerprint = fingerprint
            self.status = status
            self.requestRun = requestRun
            self.paused = paused
            self.submitRun = submitRun
        }

        /// The request as the runner sends it: `secret`, `fingerprint` and `info` always
        /// (null when absent), `status`, then `request_run`, `paused` and `submit_run` when set.
        var json: JSONValue {
            var body: JSONObject = ["secret": .string(secret), "fingerprint": fingerprint ?? .null, "info": JSONValue(info)]
            switch status {
            case .idle: body["status"] = ["type": "idle"]
            case .busy: body["status"] = ["type": "busy"]
            case .working(let run):
                var fields: JSONObject = ["id": .string(run.id), "hash": .string(run.hash)]
                if let method = run.benchMethod { fields["bench_method"] = .string(method) }
                if let start = run.start { fields["start"] = .string(start) }
                fields["last_output"] = RunJSON.output(run.lastOutput)
                body["status"] = ["type": "working", "run": .object(fields)]
            }
            if requestRun { body["request_run"] = true }
            if let paused { body["paused"] = .string(paused) }
            if let submitRun { body["submit_run"] = RunJSON.submission(submitRun) }
            return .object(body)
        }

        /// Reads a status call of runner `runner` (its authenticated name, recorded with a
        /// submitted run). Strict: a missing or mistyped field is an error naming it, which
        /// the server answers with 400.
        init(json body: JSONValue, runner: String) throws(RunnerWireError) {
            guard case .object(let request) = body else { throw RunnerWireError(message: "the body must be a JSON object") }
            guard case .string(let secret)? = request["secret"], (8...256).contains(secret.utf8.count) else {
                throw RunnerWireError(message: "\"secret\" must be a string of 8 to 256 bytes, chosen at random when the runner starts")
            }
            let fingerprint = request["fingerprint"]
            if let fingerprint, fingerprint.objectValue == nil, fingerprint != .null {
                throw RunnerWireError(message: "\"fingerprint\" must be an object")
            }
            self.secret = secret
            self.fingerprint = fingerprint == .null ? nil : fingerprint
            info = request["info"]?.stringValue
            status = try Self.status(request["status"])
            switch request["request_run"] {
            case nil, .null?: requestRun = false
            case .bool(let flag)?: requestRun = flag
            default: throw RunnerWireError(message: "\"request_run\" must be true or false")
            }
            switch request["paused"] {
            case nil, .null?: paused = nil
            case .string(let text)?: paused = text
            default: throw RunnerWireError(message: "\"paused\" must be a string saying why the runner takes no work, or null")
            }
            if let submitted = request["submit_run"], submitted != .null {
                do throws(RunJSONError) {
                    var run = try RunJSON.run(submitted, runner: runner, fingerprint: self.fingerprint)
                    // One name per method: a method's wire spelling is recorded under its name.
                    if let kind = BenchMethodKind(wireType: run.benchMethod) { run.benchMethod = kind.recordedName }
                    submitRun = run
                } catch {
                    throw RunnerWireError(message: error.message)
                }
            } else {
                submitRun = nil
            }
        }

        private static func status(_ value: JSONValue?) throws(RunnerWireError) -> Status {
            guard case .object(let status)? = value, case .string(let type)? = status["type"] else {
                throw RunnerWireError(message: "\"status\" must be an object with \"type\": idle, busy or working")
            }
            switch type {
            case "idle": return .idle
            case "busy": return .busy
            case "working":
                let run = status["run"]
                guard case .string(let id)? = run?["id"], case .string(let hash)? = run?["hash"] else {
                    throw RunnerWireError(message: "a working status needs \"run\" with \"id\" and \"hash\"")
                }
                let lines = (run?["last_output"]?.arrayValue ?? []).suffix(maximumLastOutput)
                    .compactMap { value -> (source: OutputSource, text: String)? in
                        guard let pair = value.arrayValue, pair.count == 2, case .string(let name) = pair[0],
                              let source = OutputSource(rawValue: name), case .string(let text) = pair[1] else { return nil }
                        return (source, text)
                    }
                return .working(WorkingRun(id: id, hash: hash, benchMethod: run?["bench_method"]?.stringValue,
                                           start: run?["start"]?.stringValue, lastOutput: lines))
            default:
                throw RunnerWireError(message: "status type \(type.debugDescription) is not idle, busy or working")
            }
        }
    }

    /// The reply to a status call (`200`).
    struct StatusReply: Sendable, Equatable {
        /// `run`: a commit to benchmark, or nil (`null`).
        var run: RunOrder?
        /// `abort_run`: the run the runner reported should stop.
        var abort: Bool

        init(run: RunOrder?, abort: Bool) {
            self.run = run
            self.abort = abort
        }

        /// `{"run": {…} | null, "abort_run": bool}`.
        var json: JSONValue {
            ["run": run?.json ?? .null, "abort_run": .bool(abort)]
        }

        /// Reads a reply. Never traps: a value out of range is cut (the time limit) or
        /// refused with a `RunnerWireError`; an absent `abort_run` is false.
        init(json value: JSONValue) throws(RunnerWireError) {
            guard case .object(let reply) = value else { throw RunnerWireError(message: "the reply is not a JSON object") }
            abort = reply["abort_run"] == .bool(true)
            guard let run = reply["run"], run != .null else {
                self.run = nil
                return
            }
            self.run = try RunOrder(json: run)
        }
    }

    /// The longest time limit a reply can set (30 days); longer ones are cut to it.
    static let maximumTimeoutSeconds: Double = 30 * 24 * 3600

}

/// A run a server hands out: a reply's `run`, `{"id", "hash", "bench_method", "timeout_s", "start"}`.
struct RunOrder: Sendable, Equatable {
    /// `bench_method`: `{"type": "internal"}`, `{"type": "command", "command": …}` or
    /// `{"type": "bench_repo", "hash": …, "entry": …}`, with `format` beside `type` when the
    /// server names the result format. Types are `BenchMethodKind.wireType`.
    enum Method: Sendable, Equatable {
        case `internal`
        case command(String)
        /// The bench repository's commit and the path of its entry point in it.
        case benchRepo(hash: String, entry: String)

        var kind: BenchMethodKind {
            switch self {
            case .internal: .internal
            case .command: .command
            case .benchRepo: .benchRepo
            }
        }

        /// The name the run records: `internal`, `command` or `bench-repo`.
        var name: String { kind.recordedName }

        /// `bench_method` without `format`.
        var json: JSONValue {
            switch self {
            case .internal: ["type": .string(kind.wireType)]
            case .command(let command): ["type": .string(kind.wireType), "command": .string(command)]
            case .benchRepo(let hash, let entry): ["type": .string(kind.wireType), "hash": .string(hash), "entry": .string(entry)]
            }
        }

        /// Reads `bench_method`, strictly: the bench repository's hash must be a full commit
        /// hash and the entry a relative path inside it. Either spelling of a type is read.
        init(json method: JSONValue) throws(RunnerWireError) {
            guard case .string(let type)? = method["type"] else { throw RunnerWireError(message: "a bench_method without \"type\"") }
            switch BenchMethodKind(wireType: type) {
            case .internal?:
                self = .internal
            case .command?:
                guard case .string(let command)? = method["command"] else { throw RunnerWireError(message: "a command run without \"command\"") }
                self = .command(command)
            case .benchRepo?:
                guard case .string(let hash)? = method["hash"], case .string(let entry)? = method["entry"] else {
                    throw RunnerWireError(message: "a bench_repo run without \"hash\" and \"entry\"")
                }
                guard CommitHash.isFull(hash) else { throw RunnerWireError(message: "a bench_repo run whose hash is not a full commit hash") }
                guard !entry.isEmpty, !entry.hasPrefix("/"), !entry.split(separator: "/").contains(".."), !entry.contains("\0") else {
                    throw RunnerWireError(message: "a bench_repo entry must be a relative path inside the bench repository")
                }
                self = .benchRepo(hash: hash, entry: entry)
            case nil:
                throw RunnerWireError(message: "unknown bench method \(type.debugDescription)")
            }
        }
    }

    var id: String
    var hash: String
    var method: Method
    /// `timeout_s`: sent in whole seconds, rounded up.
    var timeout: Duration
    /// `start`: the server's start time, RFC 3339.
    var start: String
    /// `bench_method.format`: the result format the server's `[bench] format` names; nil: detected from the output.
    var format: ResultFormat?

    init(id: String, hash: String, method: Method, timeout: Duration, start: String, format: ResultFormat? = nil) {
        self.id = id
        self.hash = hash
        self.method = method
        self.timeout = timeout
        self.start = start
        self.format = format
    }

    /// The reply's `run`.
    var json: JSONValue {
        var method = method.json.objectValue ?? [:]
        if let format { method["format"] = .string(format.rawValue) }
        let milliseconds = timeout.milliseconds
        let seconds = max(1, milliseconds / 1000 + (milliseconds % 1000 == 0 ? 0 : 1))
        return ["id": .string(id), "hash": .string(hash), "bench_method": .object(method), "timeout_s": .integer(seconds), "start": .string(start)]
    }

    /// Reads the reply's `run`. Every value is the server's word only: a run id names a
    /// folder and goes back in the submission, a hash goes into a URL, the time limit
    /// into a Duration; so each is checked, the time limit cut to 30 days.
    init(json run: JSONValue) throws(RunnerWireError) {
        guard case .string(let id)? = run["id"], case .string(let hash)? = run["hash"], case .string(let start)? = run["start"],
              let timeout = run["timeout_s"]?.doubleValue, let method = run["bench_method"], case .string? = method["type"] else {
            throw RunnerWireError(message: "the reply's run lacks id, hash, start, timeout_s or bench_method")
        }
        guard (1...128).contains(id.utf8.count), !id.hasControlCharacters else {
            throw RunnerWireError(message: "the reply's run id is empty, longer than 128 bytes or has control characters")
        }
        guard CommitHash.isFull(hash) else { throw RunnerWireError(message: "the reply's run hash is not a full commit hash") }
        guard start.utf8.count <= 64 else { throw RunnerWireError(message: "the reply's run start is longer than 64 bytes") }
        guard timeout.isFinite, timeout > 0 else {
            throw RunnerWireError(message: "the reply's timeout_s must be a positive number of seconds")
        }
        self.id = id
        self.hash = hash
        self.start = start
        self.timeout = .milliseconds(Int64(min(timeout, RunnerProtocol.maximumTimeoutSeconds) * 1000))
        self.method = try Method(json: method)
        if case .string(let name)? = method["format"] {
            guard let known = ResultFormat(rawValue: name) else { throw RunnerWireError(message: "unknown result format \(name.debugDescription)") }
            format = known
        } else {
            format = nil
        }
    }
}
