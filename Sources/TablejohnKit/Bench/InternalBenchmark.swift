// The `internal` bench method: code statistics of a checked-out tree, with no setup.
import Foundation

/// Counts files, lines and TODO markers in a directory tree, in total and per file
/// extension, so a fresh install draws real graphs before anyone writes a benchmark.
///
/// Metrics: `files`, `lines`, `todos`, and `files/EXT`, `lines/EXT`, `todos/EXT` per
/// extension (lower-cased, without the dot; `none` for files without one). Symbolic
/// links are counted as files but not followed; `.git` is skipped. A line is a `\n`
/// or a last line without one; a TODO is each `TODO` (upper case) in a file's text.
enum InternalBenchmark {
    struct Counts: Equatable, Sendable {
        var files = 0
        var lines = 0
        var todos = 0
    }

    static func count(directory: String) throws -> (total: Counts, byExtension: [String: Counts]) {
        var total = Counts()
        var byExtension: [String: Counts] = [:]
        let root = URL(fileURLWithPath: directory)
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey, .isSymbolicLinkKey],
                                                          options: [], errorHandler: { _, _ in true }) else {
            throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: directory])
        }
        for case let url as URL in walker {
            if url.lastPathComponent == ".git" {
                walker.skipDescendants()
                continue
            }
            let values = try url.resourceValues(forKeys: [.isRegularFileKey, .isSymbolicLinkKey])
            guard values.isRegularFile == true || values.isSymbolicLink == true else { continue }
            var counts = Counts(files: 1)
            if values.isSymbolicLink != true {
                let bytes = try Data(contentsOf: url, options: .mappedIfSafe)
                (counts.lines, counts.todos) = scan(bytes)
            }
            let ext = url.pathExtension.isEmpty ? "none" : url.pathExtension.lowercased()
            total.add(counts)
            byExtension[ext, default: Counts()].add(counts)
        }
        return (total, byExtension)
    }

    /// Line and TODO counts of one file's bytes.
    static func scan(_ bytes: Data) -> (lines: Int, todos: Int) {
        var lines = 0
        var todos = 0
        let marker = Array("TODO".utf8)
        var matched = 0
        for byte in bytes {
            if byte == UInt8(ascii: "\n") { lines += 1 }
            if byte == marker[matched] {
                matched += 1
                if matched == marker.count {
                    todos += 1
                    matched = 0
                }
            } else {
                matched = byte == marker[0] ? 1 : 0
            }
        }
        if let last = bytes.last, last != UInt8(ascii: "\n") { lines += 1 }
        return (lines, todos)
    }

    /// The counts as measurements, totals first, then extensions by name.
    static func measurements(directory: String) throws -> [Measurement] {
        let (total, byExtension) = try count(directory: directory)
        var result = [
            try Measurement(metric: "files", value: Double(total.files), unit: "files"),
            try Measurement(metric: "lines", value: Double(total.lines), unit: "lines"),
            try Measurement(metric: "todos", value: Double(total.todos), unit: "todos"),
        ]
        // Extensions come from the tree: one that cannot name a metric (too long, control
        // characters) counts in the totals only, and a tree of thousands of extensions
        // stops at the per-run limit rather than failing the run.
        for (ext, counts) in byExtension.sorted(by: { $0.key < $1.key }) where result.count + 3 <= Measurement.maxPerRun {
            guard let files = try? Measurement(metric: "files/\(ext)", value: Double(counts.files), unit: "files"),
                  let lines = try? Measurement(metric: "lines/\(ext)", value: Double(counts.lines), unit: "lines"),
                  let todos = try? Measurement(metric: "todos/\(ext)", value: Double(counts.todos), unit: "todos") else { continue }
            result += [files, lines, todos]
        }
        return result
    }
}

extension InternalBenchmark.Counts {
    mutating func add(_ other: Self) {
        files += other.files
        lines += other.lines
        todos += other.todos
    }
}
