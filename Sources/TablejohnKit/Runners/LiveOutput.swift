// The last output lines of runs in progress, pieced together from the overlapping windows runners report.

/// What the server keeps of each runner's run in progress: the last lines of its output,
/// from the `last_output` of its status calls (RUNNERS.md). A value type without I/O.
///
/// Each call carries the runner's last few lines (20 from `tablejohnd runner`), so
/// consecutive windows overlap: a new window is appended after the longest overlap of
/// the kept tail with its start. Output repeating itself line for line can hide a few
/// lines; this is a live view, the stored run keeps the whole output.
public struct LiveOutput: Sendable {
    public typealias Line = (source: OutputSource, text: String)

    /// Lines kept per runner.
    public static let maximumLines = 200
    /// Longer lines are cut to this many characters.
    public static let maximumLineLength = 2000

    /// One runner's run in progress and its last lines.
    public struct Entry: Sendable {
        public var runID: String
        public var lines: [Line]
    }

    public private(set) var entries: [String: Entry] = [:]

    public init() {}

    /// Runner `runner` reports `window`, the last lines of run `runID`.
    public mutating func report(runner: String, runID: String, window: [Line]) {
        let window = window.suffix(Self.maximumLines).map { line in
            (source: line.source, text: line.text.count > Self.maximumLineLength
                ? String(line.text.prefix(Self.maximumLineLength)) + "…" : line.text)
        }
        var entry = entries[runner].flatMap { $0.runID == runID ? $0 : nil } ?? Entry(runID: runID, lines: [])
        entry.lines = Self.merge(entry.lines, window)
        if entry.lines.count > Self.maximumLines { entry.lines.removeFirst(entry.lines.count - Self.maximumLines) }
        entries[runner] = entry
    }

    /// Runner `runner` works on no run (idle, busy elsewhere, or its run was aborted).
    public mutating func clear(runner: String) {
        entries[runner] = nil
    }

    /// Run `runID` ended: its result is stored with the whole output.
    public mutating func finished(runID: String) {
        for (runner, entry) in entries where entry.runID == runID { entries[runner] = nil }
    }

    /// `kept` followed by the part of `window` it does not end with already.
    static func merge(_ kept: [Line], _ window: [Line]) -> [Line] {
        var overlap = min(kept.count, window.count)
        while overlap > 0 {
            let tail = kept[(kept.count - overlap)...]
            if zip(tail, window.prefix(overlap)).allSatisfy({ $0.source == $1.source && $0.text == $1.text }) { break }
            overlap -= 1
        }
        return kept + window.dropFirst(overlap)
    }

    /// The `last_output` of a working status, leniently: lines that are not
    /// `[source, text]` are skipped, since live output is only shown, never stored.
    static func window(from status: JSONValue?) -> [Line] {
        guard let given = status?["run"]?["last_output"]?.arrayValue else { return [] }
        return given.suffix(maximumLines).compactMap { value in
            guard let pair = value.arrayValue, pair.count == 2, case .string(let name) = pair[0],
                  let source = OutputSource(rawValue: name), case .string(let text) = pair[1] else { return nil }
            return (source, text)
        }
    }
}
