// A [runner] min-free entry (PATH>SIZE): where space must stay free, and how much.
import Foundation

/// One `min-free` entry, `PATH>SIZE`: runs are taken only while `PATH` (or, written
/// `work-dir`, the runner's work directory) has at least `minimum` bytes free.
public struct DiskThreshold: Sendable, Equatable, CustomStringConvertible {
    enum Place: Sendable, Equatable {
        case workDirectory
        /// An absolute path.
        case path(String)
    }

    let place: Place
    /// Bytes, positive.
    let minimum: Int64

    /// The word that names the work directory in an entry.
    static let workDirectoryWord = "work-dir"

    /// Reads `PATH>SIZE` (sizes as the configuration writes them: "5G", "512M", binary
    /// units, or bytes). The error says what is wrong, for a configuration error.
    static func parse(_ text: String) -> Result<DiskThreshold, DiskThresholdError> {
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

    init(place: Place, minimum: Int64) {
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
