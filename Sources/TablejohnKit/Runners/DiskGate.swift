// [runner] min-free: how much space must stay free where, and whether a runner pauses, decided from measured space without I/O.
import Foundation

/// One `min-free` entry, `PATH>SIZE`: runs are taken only while `PATH` (or, written
/// `work-dir`, the runner's work directory) has at least `minimum` bytes free.
public struct DiskThreshold: Sendable, Equatable, CustomStringConvertible {
    public enum Place: Sendable, Equatable {
        case workDirectory
        /// An absolute path.
        case path(String)
    }

    public let place: Place
    /// Bytes, positive.
    public let minimum: Int64

    /// The word that names the work directory in an entry.
    public static let workDirectoryWord = "work-dir"

    /// Reads `PATH>SIZE` (sizes as the configuration writes them: "5G", "512M", binary
    /// units, or bytes). The error says what is wrong, for a configuration error.
    public static func parse(_ text: String) -> Result<DiskThreshold, DiskThresholdError> {
        guard let separator = text.lastIndex(of: ">") else {
            return .failure(DiskThresholdError(entry: text, problem: "expected PATH>SIZE, such as \"/tmp>5G\" or \"work-dir>2G\""))
        }
        let location = text[..<separator].trimmingCharacters(in: .whitespaces)
        let size = text[text.index(after: separator)...].trimmingCharacters(in: .whitespaces)
        let place: Place
        if location == workDirectoryWord {
            place = .workDirectory
        } else if location.hasPrefix("/"), !location.contains("\0") {
            place = .path(location)
        } else {
            return .failure(DiskThresholdError(entry: text, problem: "the path must be absolute or the word work-dir"))
        }
        guard let bytes = ByteSizeParser.parse(size), bytes > 0 else {
            return .failure(DiskThresholdError(entry: text, problem: "the size must be positive, such as \"5G\", \"512M\" or a number of bytes"))
        }
        return .success(DiskThreshold(place: place, minimum: bytes))
    }

    public init(place: Place, minimum: Int64) {
        self.place = place
        self.minimum = max(1, minimum)
    }

    /// The entry as the configuration writes it.
    public var description: String {
        switch place {
        case .workDirectory: "\(Self.workDirectoryWord)>\(minimum.byteSizeText)"
        case .path(let path): "\(path)>\(minimum.byteSizeText)"
        }
    }
}

/// A `min-free` entry that cannot be read.
public struct DiskThresholdError: Error, Equatable, CustomStringConvertible {
    public var entry: String
    public var problem: String
    public var description: String { "\(entry.debugDescription): \(problem)" }
}

/// Whether a runner takes new work, from the space it measured (SPEC §14). While any
/// path has less free space than its threshold, or cannot be measured, the runner is
/// paused and says why; it still reports its status and delivers finished results.
public struct DiskGate: Sendable, Equatable {
    /// Free space at a path: bytes available to unprivileged users, or why it is unknown.
    public enum FreeSpace: Sendable, Equatable {
        case bytes(Int64)
        case unknown(String)
    }

    public var thresholds: [DiskThreshold]

    public init(_ thresholds: [DiskThreshold]) {
        self.thresholds = thresholds
    }

    /// The path an entry measures, given the runner's work directory.
    public static func path(of threshold: DiskThreshold, workDirectory: String) -> String {
        switch threshold.place {
        case .workDirectory: workDirectory
        case .path(let path): path
        }
    }

    /// The paths to measure, each once, in the order of the entries.
    public func paths(workDirectory: String) -> [String] {
        var seen = Set<String>()
        return thresholds.map { Self.path(of: $0, workDirectory: workDirectory) }.filter { seen.insert($0).inserted }
    }

    /// Why the runner pauses, or nil when every path has enough space. `free` reports
    /// the space at a path (statvfs in the runner, a table in tests); each distinct path
    /// is asked once.
    public func pauseReason(workDirectory: String, free: (String) -> FreeSpace) -> String? {
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
