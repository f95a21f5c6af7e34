// divan (Rust): the tree table `cargo bench` prints.

import Foundation

/// Lines under a header `NAME  fastest │ slowest │ median │ mean │ samples │ iters`, one per
/// benchmark, nested by `├─`/`╰─` (groups, generic types and arguments):
/// - a benchmark's row becomes `NAME/GROUP/…/BENCH/time` in ns: the median, fastest and
///   slowest as bounds;
/// - a throughput line under it (`3.708 GB/s`, `12.5 Mitem/s`) becomes `…/B_per_s`,
///   `…/item_per_s`, … in B/s, item/s (the median, prefixes applied);
/// - an allocation counter (`alloc:`, `dealloc:`, `grow:`, `max alloc:`) becomes
///   `…/alloc_count` and `…/alloc_size` in B (the median).
/// Several bench targets (several headers) follow each other.
enum DivanFormat: ResultAdapter {
    static let format = ResultFormat.divan
    static let prefixes: [String: Double] = ["": 1, "K": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "Ki": 1024, "Mi": 1_048_576, "Gi": 1_073_741_824]

    static func recognizes(_ input: ResultInput) -> Bool {
        input.text.containsUTF8("│ slowest") && input.lines.contains { header($0.text) != nil }
    }

    /// The root name and the column where values start, when `line` is a header.
    static func header(_ line: Substring) -> (name: String, offset: Int)? {
        guard line.containsUTF8("fastest"), line.containsUTF8("│ slowest"), line.containsUTF8("│ median"),
              let range = line.range(of: "fastest") else { return nil }
        let name = line[..<range.lowerBound].trimmingPrefix(while: \.isWhitespace)
        return (String(name.reversed().drop(while: \.isWhitespace).reversed()), line.distance(from: line.startIndex, to: range.lowerBound))
    }

    static func parse(_ input: ResultInput) throws(ResultFormatError) -> [Measurement] {
        var measurements: [Measurement] = []
        var table: (name: String, offset: Int)?
        var path: [String] = []
        var counter: String?
        var emptyGroup: (line: Int, path: String)?
        for (number, line) in input.lines {
            // Past the limit the run is refused anyway (ResultReader says so): stop reading.
            if measurements.count > Measurement.maxPerRun { break }
            if let found = header(line) {
                table = found
                path = []
                continue
            }
            guard let current = table, !line.isEmpty else { continue }
            // The table ends at the first line without a column bar (cargo's next `Running …`).
            guard line.contains("│") else {
                table = nil
                continue
            }
            let characters = Array(line)
            let namePart = characters.prefix(current.offset)
            let rest = characters.count > current.offset ? String(characters[current.offset...]) : ""
            let cells = rest.split(separator: "│", omittingEmptySubsequences: false).map(trim)
            if let branch = namePart.firstIndex(where: { $0 == "├" || $0 == "╰" }) {
                let depth = branch / 3
                let name = trim(Substring(String(namePart[(branch + 2)...])))
                guard !name.isEmpty else { throw ResultFormatError(format, "line \(number): a benchmark without a name") }
                path = Array(path.prefix(depth)) + [name]
                counter = nil
                let metric = ([current.name] + path).joined(separator: "/")
                if cells.allSatisfy(\.isEmpty) {
                    emptyGroup = (number, metric)
                    continue
                }
                emptyGroup = nil
                guard cells.count >= 4 else {
                    throw ResultFormatError(format, "line \(number): \(metric): expected fastest │ slowest │ median │ mean │ samples │ iters")
                }
                var times: [Double] = []
                for cell in cells.prefix(3) {
                    guard let (value, unit) = quantity(cell), let factor = MeasurementUnit.times[unit ?? ""] else {
                        throw ResultFormatError(format, "line \(number): \(metric): \(cell.debugDescription) is not a time")
                    }
                    times.append(value * factor)
                }
                measurements.append(try measurement(metric: "\(metric)/time", value: times[2], unit: "ns", lower: times[0], upper: times[1]))
                continue
            }
            // A line under a benchmark: a counter's label, its values, or a throughput.
            guard !path.isEmpty, let first = cells.first, !first.isEmpty else { continue }
            let metric = ([current.name] + path).joined(separator: "/")
            if first.hasSuffix(":") {
                counter = String(first.dropLast()).replacingOccurrences(of: " ", with: "_")
                continue
            }
            guard cells.count >= 3, let (median, unit) = quantity(cells[2]) else {
                throw ResultFormatError(format, "line \(number): \(metric): expected four values, found \(rest.debugDescription)")
            }
            if let counter {
                if let unit {
                    guard let factor = MeasurementUnit.sizes[unit] else { throw ResultFormatError(format, "line \(number): \(metric): unknown size unit \(unit.debugDescription)") }
                    measurements.append(try measurement(metric: "\(metric)/\(counter)_size", value: median * factor, unit: "B"))
                } else {
                    measurements.append(try measurement(metric: "\(metric)/\(counter)_count", value: median))
                }
            } else if let unit, unit.hasSuffix("/s") {
                let perSecond = String(unit.dropLast(2))
                let prefix = ["Ki", "Mi", "Gi", "K", "M", "G", "T"].first { perSecond.hasPrefix($0) && perSecond.count > $0.count } ?? ""
                let base = String(perSecond.dropFirst(prefix.count))
                measurements.append(try measurement(metric: "\(metric)/\(base)_per_s", value: median * prefixes[prefix]!, unit: "\(base)/s"))
            }
        }
        if let emptyGroup {
            throw ResultFormatError(format, "line \(emptyGroup.line): \(emptyGroup.path) has no results: the output is cut off")
        }
        return measurements
    }

    private static func trim(_ text: Substring) -> String {
        String(text.trimmingPrefix(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }

    /// A number with an optional unit: `45.59 ns`, `1`, `32 B`, `3.708 GB/s`.
    private static func quantity(_ cell: String) -> (Double, String?)? {
        let parts = cell.split(separator: " ")
        guard (1...2).contains(parts.count), let value = Double(parts[0]), value.isFinite else { return nil }
        return (value, parts.count == 2 ? String(parts[1]) : nil)
    }
}
