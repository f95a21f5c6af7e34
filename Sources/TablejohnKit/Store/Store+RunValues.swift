// Measurements as comparisons read them: successful runs of a commit with their machine, and how metrics read.
import GRDB

/// One run's measured values by metric.
struct RunValues: Sendable, Equatable {
    var runID: String
    var machine: Machine
    /// Unix milliseconds.
    var start: Int64
    var values: [String: Double]
    var units: [String: String]
    /// Raw samples by metric, for the metrics that have them; read only when asked for.
    var samples: [String: [Double]] = [:]

    /// `runs` grouped by machine (`Machine.isSameMachine(as:)`), machines in the order their
    /// first run appears, each named by its first run.
    static func byMachine(_ runs: [RunValues]) -> [(machine: Machine, runs: [RunValues])] {
        var groups: [(machine: Machine, runs: [RunValues])] = []
        for run in runs {
            if let index = groups.firstIndex(where: { $0.machine.isSameMachine(as: run.machine) }) {
                groups[index].runs.append(run)
            } else {
                groups.append((run.machine, [run]))
            }
        }
        return groups
    }

    /// The units `runs` reported, by metric (the first run's where they differ).
    static func units(of runs: [RunValues]) -> [String: String] {
        var result: [String: String] = [:]
        for run in runs { result.merge(run.units) { kept, _ in kept } }
        return result
    }
}

extension Store {
    /// Comparisons use at most this many runs of one commit.
    static let comparedRunLimit = 50

    /// The newest successful runs of commit `hash` (at most `comparedRunLimit`), with
    /// their measurements; `runner` keeps only the runs of that runner (`.some(nil)`: of
    /// no runner). One indexed lookup of the commit's runs, then each run's measurements
    /// by primary key. `withSamples` reads the raw samples too.
    /// `includeArchive` reads archived runs too.
    func runValues(commit hash: String, runner: String?? = nil, withSamples: Bool = false,
                          includeArchive: Bool = false) throws -> [RunValues] {
        try readingArchive(includeArchive) { try read { db in
            var condition = "commit_id = (SELECT id FROM commits WHERE hash = ?) AND exit_code = 0"
            var arguments: StatementArguments = [hash]
            if let runner {
                condition += " AND runner_name IS ?"
                arguments += [runner]
            }
            arguments += [Self.comparedRunLimit]
            let rows = try Row.fetchAll(db.cachedStatement(sql: """
                SELECT r.id, r.runner_name, r.runner_fingerprint, r.start_time, m.metric, m.value, m.unit\(withSamples ? ", m.samples" : "")
                FROM (SELECT id, runner_name, runner_fingerprint, start_time FROM \(includeArchive ? "all_runs" : "runs INDEXED BY runs_commit")
                      WHERE \(condition) ORDER BY start_time DESC, id DESC LIMIT ?) r
                CROSS JOIN \(includeArchive ? "all_measurements" : "measurements") m ON m.run_id = r.id
                ORDER BY r.start_time DESC, r.id DESC
                """), arguments: arguments)
            var runs: [RunValues] = []
            for row in rows {
                let id: String = row[0]
                if runs.last?.runID != id {
                    let fingerprint = (row[2] as String?).flatMap { try? JSONValue.parse($0) }
                    runs.append(RunValues(runID: id, machine: Machine(runner: row[1], fingerprint: fingerprint), start: row[3],
                                          values: [:], units: [:]))
                }
                let metric: String = row[4]
                let value: Double = row[5]
                runs[runs.count - 1].values[metric] = value
                if let unit = row[6] as String? { runs[runs.count - 1].units[metric] = unit }
                if withSamples, let text = row[7] as String?, let samples = try? JSONValue.parse(text).arrayValue?.compactMap(\.doubleValue),
                   !samples.isEmpty {
                    runs[runs.count - 1].samples[metric] = samples
                }
            }
            return runs
        } }
    }

    /// The machines the runs `ids` ran on, by run id (primary-key lookups); unknown ids are left out.
    func machines(ofRuns ids: some Collection<String>) throws -> [String: Machine] {
        try read { db in
            let statement = try db.cachedStatement(sql: "SELECT runner_name, runner_fingerprint FROM runs WHERE id = ?")
            var machines: [String: Machine] = [:]
            for id in Set(ids) {
                guard let row = try Row.fetchOne(statement, arguments: [id]) else { continue }
                machines[id] = Machine(runner: row[0], fingerprint: (row[1] as String?).flatMap { try? JSONValue.parse($0) })
            }
            return machines
        }
    }

    /// Units and directions of the metrics named, by primary key; unknown names are left out.
    func metricReadings(_ names: some Collection<String>) throws -> [String: MetricHeader] {
        guard !names.isEmpty else { return [:] }
        return try read { db in
            var readings: [String: MetricHeader] = [:]
            for name in Set(names) {
                readings[name] = try Self.metricHeader(db, name)
            }
            return readings
        }
    }
}
