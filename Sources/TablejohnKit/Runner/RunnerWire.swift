// What the runner puts in its status calls: the request from its plan, a submission within the server's size limit.

/// The runner's side of the status call: budgets and cuts that keep what it sends within
/// the server's limits; the shapes themselves are `RunnerProtocol`'s.
enum RunnerWire {
    /// The body of a status call (`RunnerProtocol.StatusRequest`).
    static func statusBody(_ plan: StatusPlan, secret: String, info: String?, fingerprint: JSONValue,
                           lastOutput: [RunOutput.Line], outputBudget: Int = outputBudget) -> JSONValue {
        let status: RunnerProtocol.StatusRequest.Status = switch plan.activity {
        case .idle: .idle
        case .busy: .busy
        case .working(let order):
            .working(.init(id: order.id, hash: order.hash, benchMethod: order.method.name, start: order.start,
                           lastOutput: lastOutput.map { ($0.source, String($0.text.prefix(liveLineLength))) }))
        }
        return RunnerProtocol.StatusRequest(secret: secret, info: info, fingerprint: fingerprint == .null ? nil : fingerprint,
                                            status: status, requestRun: plan.requestRun, paused: plan.paused,
                                            submitRun: plan.submission.map { submittedRun($0, outputBudget: outputBudget) }).json
    }

    /// The encoded bytes a submission's output may take by default: with the status
    /// call's other fields it stays under the server's 8 MiB limit.
    static let outputBudget = 7 << 20
    /// Live output lines are cut to this many characters (the server keeps no more).
    static let liveLineLength = 2_000

    /// A finished run as `submit_run` (`RunJSON.submission` of `submittedRun`).
    static func submission(_ run: FinishedRun, outputBudget: Int = outputBudget) -> JSONValue {
        RunJSON.submission(submittedRun(run, outputBudget: outputBudget))
    }

    /// A finished run as the run it submits. Output lines are kept, first to last, while their
    /// encoded size (as JSON escapes them) fits `outputBudget`; a final line says how many
    /// were cut. Measurements with a number that JSON cannot carry (NaN, infinity) are
    /// dropped with a line saying so, so a submission can always be encoded.
    static func submittedRun(_ run: FinishedRun, outputBudget: Int = outputBudget) -> Run {
        var measurements: [Measurement] = []
        var notes: [String] = []
        for measurement in run.measurements {
            let numbers = [measurement.value] + (measurement.samples ?? []) + [measurement.lower, measurement.upper].compactMap { $0 }
            guard numbers.allSatisfy(\.isFinite) else {
                notes.append("tablejohn: measurement \(measurement.metric.debugDescription) dropped: not a finite number")
                continue
            }
            measurements.append(measurement)
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
        return Run(id: run.order.id, commit: run.order.hash, benchMethod: run.order.method.name, runnerName: nil, fingerprint: nil,
                   start: run.start, end: run.end, exitCode: run.exitCode, origin: .runner, measurements: measurements,
                   output: kept + notes.map { (.internal, $0) }, conditions: run.conditions)
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
}
