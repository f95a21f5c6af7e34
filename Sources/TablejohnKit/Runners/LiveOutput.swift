// The last output lines of runs in progress, pieced together from the overlapping windows runners report.

/// What the server keeps of each runner's run in progress: the last lines of its output,
/// from the `last_output` of its status calls (RUNNERS.md). A value type without I/O.
///
/// Each call carries the runner's last few lines (20 from `tablejohnd runner`), so
/// consecutive windows overlap: a new window is appended after the longest overlap of
/// the kept tail with its start. Output repeating itself line for line can hide a few
/// lines; this is a live view, the stored run keeps the whole output.
struct LiveOutput: Sendable {
    typealias Line = (source: OutputSource, text: String)

    /// Lines kept per runner.
    static let maximumLines = 200
    /// Longer lines are cut to this many bytes of UTF-8 (counted in bytes, not
    /// characters: one character may carry megabytes of combining marks).
    static let maximumLineBytes = 8000

    /// One runner's run in progress and its last lines.
    struct Entry: Sendable {
        var runID: String
        var lines: [Line]
    }

    private(set) var entries: [String: Entry] = [:]

    init() {}

    /// Runner `runner` reports `window`, the last lines of run `runID`.
    mutating func report(runner: String, runID: String, window: [Line]) {
        let window = window.suffix(Self.maximumLines).map { line in
            (source: line.source, text: Self.cut(line.text))
        }
        var entry = entries[runner].flatMap { $0.runID == runID ? $0 : nil } ?? Entry(runID: runID, lines: [])
        entry.lines = Self.merge(entry.lines, window)
        if entry.lines.count > Self.maximumLines { entry.lines.removeFirst(entry.lines.count - Self.maximumLines) }
        entries[runner] = entry
    }

    /// `text`, or its first `maximumLineBytes` bytes (ending on a whole scalar) and "…".
    static func cut(_ text: String) -> String {
        let utf8 = text.utf8
        guard utf8.count > maximumLineBytes else { return text }
        return String(decoding: utf8[..<utf8CutIndex(utf8, limit: maximumLineBytes)], as: UTF8.self) + "…"
    }

    /// Runner `runner` works on no run (idle, busy elsewhere, or its run was aborted).
    mutating func clear(runner: String) {
        entries[runner] = nil
    }

    /// Run `runID` ended: its result is stored with the whole output.
    mutating func finished(runID: String) {
        for (runner, entry) in entries where entry.runID == runID { entries[runner] = nil }
    }

    /// `kept` followed by the part of `window` it does not end with already.
    ///
    /// The longest suffix of `kept` that is a prefix of `window` is found with the
    /// Knuth–Morris–Pratt prefix function over `window`, a separator and `kept`'s tail:
    /// O(n) line comparisons, mostly of hashes, instead of O(n²) comparisons of whole
    /// lines under the registry's lock on every status call.
    static func merge(_ kept: [Line], _ window: [Line]) -> [Line] {
        guard !kept.isEmpty, !window.isEmpty else { return kept + window }
        struct Key: Equatable {
            let hash: Int
            let line: Line?
            static func == (a: Key, b: Key) -> Bool {
                guard a.hash == b.hash, let x = a.line, let y = b.line else { return false }
                return x.source == y.source && x.text == y.text
            }
        }
        func key(_ line: Line) -> Key {
            var hasher = Hasher()
            hasher.combine(line.source)
            hasher.combine(line.text)
            return Key(hash: hasher.finalize(), line: line)
        }
        let sequence = window.map(key) + [Key(hash: 0, line: nil)] + kept.suffix(window.count).map(key)
        var prefix = [Int](repeating: 0, count: sequence.count)
        for index in 1..<sequence.count {
            var length = prefix[index - 1]
            while length > 0 && sequence[index] != sequence[length] { length = prefix[length - 1] }
            if sequence[index] == sequence[length] { length += 1 }
            prefix[index] = length
        }
        return kept + window.dropFirst(prefix[sequence.count - 1])
    }
}
