// [runner] min-free: how much space must stay free where, and whether a runner pauses, decided from measured space without I/O.
import Foundation

/// Whether a runner takes new work, from the space it measured (SPEC §14). While any
/// path has less free space than its threshold, or cannot be measured, the runner is
/// paused and says why; it still reports its status and delivers finished results.
struct DiskGate: Sendable, Equatable {
    /// Free space at a path: bytes available to unprivileged users, or why it is unknown.
    enum FreeSpace: Sendable, Equatable {
        case bytes(Int64)
        case unknown(String)
    }

    var thresholds: [DiskThreshold]

    init(_ thresholds: [DiskThreshold]) {
        self.thresholds = thresholds
    }

    /// The path an entry measures, given the runner's work directory.
    static func path(of threshold: DiskThreshold, workDirectory: String) -> String {
        switch threshold.place {
        case .workDirectory: workDirectory
        case .path(let path): path
        }
    }

    /// The paths to measure, each once, in the order of the entries.
    func paths(workDirectory: String) -> [String] {
        var seen = Set<String>()
        return thresholds.map { Self.path(of: $0, workDirectory: workDirectory) }.filter { seen.insert($0).inserted }
    }

    /// Why the runner pauses, or nil when every path has enough space. `free` reports
    /// the space at a path (statvfs in the runner, a table in tests); each distinct path
    /// is asked once.
    func pauseReason(workDirectory: String, free: (String) -> FreeSpace) -> String? {
        var measured: [String: FreeSpace] = [:]
        var reasons: [String] = []
        for threshold in thresholds {
            let path = Self.path(of: threshold, workDirectory: workDirectory)
            let space = measured[path] ?? free(path)
            measured[path] = space
            let place = threshold.place == .workDirectory ? "the work directory \(path)" : path
            switch space {
            case .bytes(let bytes) where bytes < threshold.minimum:
                reasons.append("only \(ByteCountText.approximate(Double(max(0, bytes)), down: true)) free on \(place) "
                    + "(needs \(ByteCountText.exact(threshold.minimum)))")
            case .bytes:
                continue
            case .unknown(let why):
                reasons.append("cannot measure the free space on \(place) (\(why)); it needs \(ByteCountText.exact(threshold.minimum))")
            }
        }
        return reasons.isEmpty ? nil : reasons.joined(separator: "; ")
    }
}
