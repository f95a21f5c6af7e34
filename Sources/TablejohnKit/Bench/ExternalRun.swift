// Runs produced elsewhere: result files submitted by people or CI jobs, and runs
// exported by another tablejohn instance.
import Foundation

/// Why external results could not become a run.
struct ExternalRunError: Error, Equatable, CustomStringConvertible {
    var message: String
    var description: String { message }
}

enum ExternalRun {
    /// A run of `commit` (a full hash) from result files, each read in `format` or the
    /// format detected; origin `import`. Errors name the file and the format tried.
    /// `paths`, one per file when given, are the files' paths, which some formats name
    /// their benchmarks by (package-benchmark's `Target.Benchmark.p90.json`).
    static func fromResults(_ files: [(name: String, bytes: [UInt8])], commit: String, format: ResultFormat?,
                                   runner: String?, fingerprint: JSONValue?, now: Int64,
                                   paths: [String]? = nil) throws(ExternalRunError) -> (run: Run, formats: [ResultFormat]) {
        guard !files.isEmpty else { throw ExternalRunError(message: "no result files given") }
        // A label for people (CI job names carry spaces and symbols; pages escape it), bounded
        // like a runner's name and free of control characters.
        if let runner, runner.isEmpty || runner.count > 64 || runner.utf8.count > 256
            || runner.hasControlCharacters {
            throw ExternalRunError(message: "runner \(String(runner.prefix(64)).debugDescription): a runner label is 1 to 64 characters without control characters")
        }
        var measurements: [Measurement] = []
        var source: [String: String] = [:]
        var formats: [ResultFormat] = []
        // A file that only describes the others (asv's benchmarks.json) is read with each of them.
        var companion: JSONValue?
        var results: [(name: String, bytes: [UInt8], path: String?)] = []
        for (index, file) in files.enumerated() {
            if companion == nil, let described = ResultReader.companion(file.bytes) {
                companion = described
            } else {
                results.append((file.name, file.bytes, paths.flatMap { index < $0.count ? $0[index] : nil }))
            }
        }
        guard !results.isEmpty else { throw ExternalRunError(message: "\(files[0].name) describes benchmarks but holds no results; give the results files with it") }
        for file in results {
            let read: (ResultFormat, [Measurement])
            do {
                read = try ResultReader.read(file.bytes, format: format, name: file.path ?? file.name, companion: companion)
            } catch {
                throw ExternalRunError(message: "\(file.name): \(error)")
            }
            formats.append(read.0)
            for measurement in read.1 {
                if let other = source[measurement.metric] {
                    throw ExternalRunError(message: "metric \(measurement.metric.debugDescription) is in both \(other) and \(file.name)")
                }
                source[measurement.metric] = file.name
                measurements.append(measurement)
            }
        }
        do {
            try Measurement.check(count: measurements.count)
        } catch {
            throw ExternalRunError(message: error.description)
        }
        let run = Run(id: UUID().uuidString.lowercased(), commit: commit, benchMethod: "import", runnerName: runner,
                      fingerprint: fingerprint, start: now, end: now, exitCode: 0, origin: .import, measurements: measurements)
        return (run, formats)
    }

    /// The runs of a JSON export (`tjctl export --json`, `runs.export` with format json),
    /// checked field by field; they keep their ids, so importing twice adds nothing.
    static func fromExport(_ value: JSONValue) throws(ExternalRunError) -> [Run] {
        guard case .array(let items) = value else { throw ExternalRunError(message: "expected a JSON array of runs (tjctl export --json)") }
        var runs: [Run] = []
        for (index, item) in items.enumerated() {
            let fingerprint = item["fingerprint"].flatMap { $0 == .null ? nil : $0 }
            do {
                var run = try RunJSON.run(item, runner: item["runner"]?.stringValue, fingerprint: fingerprint,
                                                label: "runs[\(index)]", hashKey: "commit")
                if item["origin"] == "import" { run.origin = .import }
                runs.append(run)
            } catch {
                throw ExternalRunError(message: error.message)
            }
        }
        return runs
    }
}
