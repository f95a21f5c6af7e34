// How large a tree a runner's archive may unpack to: entries, bytes, one blob, depth.

/// Limits on a commit's tree served as an archive. A "git bomb" (a tree holding the same
/// subtree ten times, ten levels deep) is a few dozen objects that expand to a billion
/// files; a 3 GB all-zero blob packs to a few MB. Trees past a limit are refused before
/// the first byte is sent. Configured in `[repo]` as `archive-max-*`.
struct TreeArchiveLimits: Sendable, Equatable {
    /// Files, directories, symlinks and submodules together.
    var entries: Int = 1_000_000
    /// The sum of all blob sizes, uncompressed.
    var bytes: Int64 = 4 << 30
    /// The largest single blob (it is read into memory whole).
    var blobBytes: Int64 = 1 << 30
    /// The deepest directory nesting (a file at the top is at depth 1).
    var depth: Int = 64

    init() {}

    init(entries: Int, bytes: Int64, blobBytes: Int64, depth: Int) {
        self.entries = entries
        self.bytes = bytes
        self.blobBytes = blobBytes
        self.depth = depth
    }
}

/// A tree past one of its archive limits: which limit, and how to raise it.
struct TreeArchiveLimitError: Error, CustomStringConvertible, Sendable, Equatable {
    enum Limit: String, Sendable {
        case entries = "archive-max-entries"
        case bytes = "archive-max-bytes"
        case blobBytes = "archive-max-blob"
        case depth = "archive-max-depth"
    }

    let commit: String
    let limit: Limit
    /// The limit's value, as the configuration would spell it.
    let allowed: String
    /// Where it was exceeded (a path), when known.
    let path: String?

    var description: String {
        let what = switch limit {
        case .entries: "has more than \(allowed) entries"
        case .bytes: "holds more than \(allowed) of files"
        case .blobBytes: "has a file larger than \(allowed)"
        case .depth: "nests directories deeper than \(allowed) levels"
        }
        let at = path.map { " (at \($0))" } ?? ""
        return "the tree of commit \(commit) \(what)\(at); the server's [repo] \(limit.rawValue) setting raises the limit"
    }
}

extension Int64 {
    /// A byte count as the configuration writes it: "4G", "512M", "1500K" or plain bytes.
    var byteSizeText: String {
        for (suffix, shift) in [("T", 40), ("G", 30), ("M", 20), ("K", 10)] where self >= (1 << shift) && self % (1 << shift) == 0 {
            return "\(self >> shift)\(suffix)"
        }
        return "\(self)"
    }
}
