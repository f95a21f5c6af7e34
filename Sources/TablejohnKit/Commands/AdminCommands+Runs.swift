// Runs: listing, reading one, deleting, submitting result files, and importing another instance's export.
import Foundation

/// What `submit` stored: the run's id, its commit, the formats its files were read as,
/// and how many measurements it holds.
struct Submission: Sendable, Equatable {
    var runID: String
    var commit: String
    var formats: [ResultFormat]
    var measurements: Int
}

/// What `importRuns` did with each run of an export.
struct RunImport: Sendable, Equatable {
    var imported = 0
    /// Runs already stored (here or in the archive).
    var skipped = 0
    /// Runs the store refused, with why.
    var failed: [(id: String, error: String)] = []

    static func == (lhs: RunImport, rhs: RunImport) -> Bool {
        lhs.imported == rhs.imported && lhs.skipped == rhs.skipped
            && lhs.failed.map(\.id) == rhs.failed.map(\.id) && lhs.failed.map(\.error) == rhs.failed.map(\.error)
    }
}

extension AdminCommands {
    /// One page of runs matching `filter`, newest first, after `cursor`; the cursor of
    /// the next page when this one is full.
    func runs(_ filter: RunFilter, limit: Int, after cursor: RunCursor?) throws -> (runs: [RunSummary], next: RunCursor?) {
        let runs = try store.runs(filter, limit: limit, after: cursor?.position)
        return (runs, runs.count == limit ? runs.last.map(RunCursor.init(after:)) : nil)
    }

    /// Run `id` with its output; an archived run only when `includeArchive` (else
    /// `AdminError.archivedRun`, so the caller can say how to see it).
    func run(id: String, includeArchive: Bool) throws -> (run: Run, archived: Bool) {
        if let run = try store.run(id: id) { return (run, false) }
        if let run = try store.archivedRun(id: id) {
            guard includeArchive else { throw AdminError.archivedRun(id: id) }
            return (run, true)
        }
        throw RunError.unknownRun(id)
    }

    func deleteRun(id: String) throws {
        try store.deleteRun(id: id)
    }

    /// A run of the commit `revision` names from result files produced elsewhere (origin
    /// `import`). `paths`, one per file when given, are the files' paths (bounded, one line).
    func submit(files: [String], commit revision: String, format: ResultFormat?, runner: String?,
                       fingerprint: JSONValue?, paths: [String]?) throws -> Submission {
        let commit = try resolver.commit(revision)
        guard !files.isEmpty else {
            throw AdminError.invalid(parameter: "files", reason: "\"files\" must be a non-empty array of result file contents")
        }
        if let paths, paths.count != files.count {
            throw AdminError.invalid(parameter: "names", reason: "\"names\" must hold one name per file")
        }
        if let bad = paths?.first(where: { $0.isEmpty || $0.utf8.count > 4096 || $0.hasControlCharacters }) {
            throw AdminError.invalid(parameter: "names",
                                     reason: "\"names\": \(String(bad.prefix(40)).debugDescription) is not a file name (1 to 4096 bytes, no control characters)")
        }
        let named = files.enumerated().map { (name: "file \($0.offset + 1)", bytes: Array($0.element.utf8)) }
        let built: (run: Run, formats: [ResultFormat])
        do throws(ExternalRunError) {
            built = try ExternalRun.fromResults(named, commit: commit, format: format, runner: runner,
                                                fingerprint: fingerprint, now: Self.now(), paths: paths)
        } catch {
            daemonMetrics?.submission(.control, .refused, duration: nil)
            throw AdminError.invalid(parameter: "files", reason: error.message)
        }
        let started = ContinuousClock.now
        let stored: Bool
        do {
            stored = try store.record(built.run)
        } catch {
            daemonMetrics?.submission(.control, .refused, duration: ContinuousClock.now - started)
            throw error
        }
        daemonMetrics?.submission(.control, stored ? .stored : .duplicate, duration: ContinuousClock.now - started)
        return Submission(runID: built.run.id, commit: commit, formats: built.formats, measurements: built.run.measurements.count)
    }

    /// Runs from another instance's JSON export (`runs.export` format json); runs already
    /// here are skipped, and a run the store refuses is reported without stopping the rest.
    func importRuns(_ export: JSONValue) throws -> RunImport {
        let runs: [Run]
        do throws(ExternalRunError) {
            runs = try ExternalRun.fromExport(export)
        } catch {
            throw AdminError.invalid(parameter: "runs", reason: error.message)
        }
        var outcome = RunImport()
        for (run, result) in zip(runs, try store.record(runs)) {
            switch result {
            case .success(true): outcome.imported += 1
            case .success(false): outcome.skipped += 1
            case .failure(let error): outcome.failed.append((run.id, "\(error)"))
            }
        }
        return outcome
    }
}
