// Timing, child processes with peak memory, medians and the report table.
import Foundation

enum Measure {
    /// Wall time of `body` in seconds.
    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = ContinuousClock.now
        try body()
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    /// Runs a program to completion and returns its wall time and peak resident memory (bytes).
    static func child(_ arguments: [String], stdout: String = "/dev/null") throws -> (seconds: Double, peakRSS: Int) {
        var pid: pid_t = 0
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let start = ContinuousClock.now
        let spawned = posix_spawnp(&pid, arguments[0], &actions, nil, argv, environ)
        guard spawned == 0 else { throw BenchError("cannot start \(arguments[0])") }
        var status: Int32 = 0
        var usage = rusage()
        wait4(pid, &status, 0, &usage)
        let elapsed = ContinuousClock.now - start
        guard status == 0 else { throw BenchError("\(arguments.joined(separator: " ")) exited with status \(status)") }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return (seconds, Int(usage.ru_maxrss) * 1024)
    }
}

/// Rows of "what | measured | target | reference", printed as an aligned table.
struct Report {
    private var rows: [[String]] = [["what", "median", "target", "met", "reference"]]

    mutating func add(_ what: String, _ measured: String, target: String, met: Bool?, reference: String = "") {
        rows.append([what, measured, target, met.map { $0 ? "yes" : "NO" } ?? "", reference])
    }

    func print() {
        let widths = (0..<rows[0].count).map { column in rows.map { $0[column].count }.max() ?? 0 }
        for (index, row) in rows.enumerated() {
            let line = row.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }
            Swift.print(line.joined(separator: "  ").trimmingCharacters(in: .whitespaces))
            if index == 0 { Swift.print(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")) }
        }
    }
}

extension Double {
    var ms: String { String(format: "%.1f ms", self * 1000) }
    var s: String { String(format: "%.2f s", self) }
}

extension Int {
    var mib: String { String(format: "%.0f MiB", Double(self) / 1_048_576) }
}
