// A run as JSON, both ways: the one codec of the run shape (RUNNERS.md's submit_run, tjctl export --json, runs.get, runs.import).

/// A run that does not have the run shape; the message names the field.
struct RunJSONError: Error, Equatable, CustomStringConvertible {
    var message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}

/// Reads and writes runs as JSON objects: `id`, the commit (`hash` from runners, `commit`
/// in exports), `bench_method`, `start`/`end` (RFC 3339), `exit_code`, `measurements`
/// (metric → `{value, unit, samples, lower, upper}`, checked as `TablejohnJSONFormat`
/// checks results), `output` (`[source, text]` pairs) and `conditions`. Reading is strict:
/// every field checked, a wrong one named in the error.
enum RunJSON {
    /// A run as JSON, as runs.get and the JSON export write it.
    static func json(_ run: Run, withOutput: Bool) -> JSONValue {
        var object: JSONObject = [
            "id": .string(run.id), "commit": .string(run.commit), "bench_method": .string(run.benchMethod),
            "runner": JSONValue(run.runnerName), "fingerprint": run.fingerprint ?? .null,
            "start": .string(Timestamp.rfc3339(milliseconds: run.start)),
            "end": .string(Timestamp.rfc3339(milliseconds: run.end)),
            "exit_code": JSONValue(run.exitCode), "origin": .string(run.origin.rawValue),
            "measurements": measurements(run.measurements),
        ]
        if let conditions = run.conditions { object["conditions"] = conditions.json }
        if withOutput { object["output"] = output(run.output) }
        return .object(object)
    }

    /// A run as a runner submits it (RUNNERS.md's `submit_run`): the commit as `hash`, no
    /// runner, fingerprint or origin (the server knows those from the call). `run(_:…)` reads it back.
    static func submission(_ run: Run) -> JSONValue {
        var object: JSONObject = [
            "id": .string(run.id), "hash": .string(run.commit), "bench_method": .string(run.benchMethod),
            "start": .string(Timestamp.rfc3339(milliseconds: run.start)), "end": .string(Timestamp.rfc3339(milliseconds: run.end)),
            "exit_code": JSONValue(run.exitCode), "output": output(run.output), "measurements": measurements(run.measurements),
        ]
        if let conditions = run.conditions { object["conditions"] = conditions.json }
        return .object(object)
    }

    /// Measurements as an object: metric → `{value, unit, samples?, lower?, upper?}` (`unit` null when there is none).
    static func measurements(_ measurements: [Measurement]) -> JSONValue {
        var object = JSONObject()
        for m in measurements {
            var fields: JSONObject = ["value": .real(m.value), "unit": JSONValue(m.unit)]
            if let samples = m.samples { fields["samples"] = .array(samples.map(JSONValue.real)) }
            if let lower = m.lower { fields["lower"] = .real(lower) }
            if let upper = m.upper { fields["upper"] = .real(upper) }
            object[m.metric] = .object(fields)
        }
        return .object(object)
    }

    /// Output lines as `[source, text]` pairs.
    static func output(_ lines: [(source: OutputSource, text: String)]) -> JSONValue {
        .array(lines.map { [.string($0.source.rawValue), .string($0.text)] })
    }

    /// A submitted run, checked field by field; `label` names it in errors.
    static func run(_ value: JSONValue, runner: String?, fingerprint: JSONValue?, label: String = "submit_run",
                    hashKey: String = "hash") throws(RunJSONError) -> Run {
        func string(_ key: String) throws(RunJSONError) -> String {
            guard case .string(let text)? = value[key], !text.isEmpty else { throw RunJSONError("\(label): \"\(key)\" must be a non-empty string") }
            return text
        }
        func time(_ key: String) throws(RunJSONError) -> Int64 {
            guard let milliseconds = Timestamp.parse(try string(key)) else { throw RunJSONError("\(label): \"\(key)\" must be an RFC 3339 time") }
            return milliseconds
        }
        let id = try string("id")
        guard id.utf8.count <= 128 else { throw RunJSONError("\(label): \"id\" is longer than 128 bytes") }
        let hash = try string(hashKey).lowercased()
        guard CommitHash.isFull(hash) else { throw RunJSONError("\(label): \"\(hashKey)\" must be a full commit hash") }
        guard case .integer(let exitCode)? = value["exit_code"], let code = Int(exactly: exitCode) else {
            throw RunJSONError("\(label): \"exit_code\" must be an integer")
        }
        var measurements: [Measurement] = []
        if let given = value["measurements"], given != .null {
            guard case .object(let metrics) = given else { throw RunJSONError("\(label): \"measurements\" must be an object") }
            do {
                try Measurement.check(count: metrics.entries.count)
                for (metric, fields) in metrics.entries {
                    guard case .object(let object) = fields else { throw ResultFormatError(.tablejohn, "\(metric.debugDescription) must be an object") }
                    measurements.append(try TablejohnJSONFormat.measurement(metric, object))
                }
            } catch let error as ResultFormatError {
                throw RunJSONError("\(label): measurements: \(error.message)")
            } catch {
                throw RunJSONError("\(label): measurements: \(error)")
            }
        }
        var output: [(source: OutputSource, text: String)] = []
        for line in value["output"]?.arrayValue ?? [] {
            guard case .string(let source)? = line.arrayValue?.first, let kind = OutputSource(rawValue: source),
                  case .string(let text)? = line.arrayValue?.last, line.arrayValue?.count == 2 else {
                throw RunJSONError("\(label): each output line must be [\"stdout\"|\"stderr\"|\"internal\", text]")
            }
            output.append((kind, text))
        }
        var conditions: RunConditions?
        if let given = value["conditions"], given != .null {
            do throws(RunConditionsError) {
                conditions = try RunConditions(json: given)
            } catch {
                throw RunJSONError("\(label): conditions: \(error.message)")
            }
        }
        return Run(id: id, commit: hash, benchMethod: try string("bench_method"), runnerName: runner,
                   fingerprint: fingerprint == .null ? nil : fingerprint, start: try time("start"), end: try time("end"),
                   exitCode: code, origin: .runner, measurements: measurements, output: output, conditions: conditions)
    }
}
