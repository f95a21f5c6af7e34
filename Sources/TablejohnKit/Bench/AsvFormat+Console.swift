// asv's console output: `asv run` result lines and the table of `asv compare` / `asv continuous`.

import Foundation

/// - `asv run`: lines `[ 75.00%] ··· benchmarks.TimeSuite.time_keys   1.52±0.03μs` become
///   `benchmarks.TimeSuite.time_keys/time` in s (`…/mem`, `…/peakmem` in B, `…/track`),
///   the value ± its error as bounds. Failed and skipped benchmarks are left out, and so
///   are parameterised ones, which print `ok` and a table: read those from the results file.
/// - `asv compare` / `asv continuous` (asv 0.6's table `| Change | Before … | After … | Ratio |
///   Benchmark (Parameter) |`): the After column of each row, named as in the results
///   file without benchmarks.json (`benchmarks.Sorting.time_sort(100, 'quick')/time`).
extension AsvFormat {
    /// asv's time suffixes in seconds, and its size suffixes (decimal) as multiples.
    static let consoleTimes: [String: Double] = ["ns": 1e-9, "μs": 1e-6, "µs": 1e-6, "us": 1e-6, "ms": 1e-3, "s": 1, "m": 60, "h": 3600,
                                                 "d": 86400, "w": 604_800, "y": 31_536_000]
    static let consoleSizes: [String: Double] = ["": 1, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "P": 1e15]
    /// What asv prints instead of a value.
    static let consoleStatus: Set<String> = ["ok", "failed", "skipped", "n/a"]

    static func recognizesConsole(_ input: ResultInput) -> Bool {
        (input.text.containsUTF8("%] ···") || input.text.containsUTF8("| Benchmark (Parameter)"))
            && input.lines.contains { compareHeader($0.text) != nil || runLine($0.text) != nil }
    }

    static func parseConsole(_ input: ResultInput) throws(ResultFormatError) -> [Measurement] {
        var measurements: [Measurement] = []
        var columns: (after: Int, name: Int)?
        for (number, line) in input.lines {
            if let header = compareHeader(line) {
                columns = header
                continue
            }
            if let columns, line.hasPrefix("|") {
                let cells = tableCells(line)
                guard cells.count > max(columns.after, columns.name) else {
                    throw ResultFormatError(format, "line \(number): expected the columns of asv compare's table, found \(cells.count)")
                }
                // The rule under the header; a row's own "-" marks an improvement.
                if cells.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0 == "-" || $0 == ":" } }) { continue }
                try add(cells[columns.name], cells[columns.after], line: number, to: &measurements)
                continue
            }
            columns = nil
            if let (name, value) = runLine(line) { try add(name, value, line: number, to: &measurements) }
        }
        return measurements
    }

    /// The After and Benchmark columns when `line` is the header of asv compare's table.
    private static func compareHeader(_ line: Substring) -> (after: Int, name: Int)? {
        guard line.hasPrefix("| Change"), line.containsUTF8("| Benchmark (Parameter)") else { return nil }
        let cells = tableCells(line)
        guard let after = cells.firstIndex(where: { $0.hasPrefix("After") }), let name = cells.firstIndex(of: "Benchmark (Parameter)") else { return nil }
        return (after, name)
    }

    /// The benchmark and its value when `line` is one of `asv run`'s result lines.
    private static func runLine(_ line: Substring) -> (String, String)? {
        guard line.containsUTF8("] ··· "), let dots = line.range(of: "] ··· ") else { return nil }
        let tokens = line[dots.upperBound...].split(separator: " ")
        guard tokens.count >= 2, tokens[0].contains("."), !tokens[0].hasPrefix("("), tokens[0].first?.isLetter == true else { return nil }
        return (String(tokens[0]), tokens.dropFirst().joined(separator: " "))
    }

    /// One benchmark's value as asv prints it: `1.52±0.03μs`, `472`, `4.5k`, `failed`.
    private static func add(_ name: String, _ printed: String, line: Int, to measurements: inout [Measurement]) throws(ResultFormatError) {
        guard !consoleStatus.contains(printed) else { return }
        let function = (name.split(separator: "(").first ?? "").split(separator: ".").last.map(String.init) ?? name
        let type = ["timeraw", "time", "peakmem", "mem", "track"].first { function.hasPrefix($0 + "_") }.map { $0 == "timeraw" ? "time" : $0 } ?? "track"
        let parts = printed.split(separator: "±", maxSplits: 1).map(String.init)
        func split(_ text: String) -> (Double, String)? {
            let digits = text.prefix { $0.isNumber || $0 == "." || $0 == "e" || $0 == "E" || $0 == "-" || $0 == "+" }
            guard let value = Double(digits), value.isFinite else { return nil }
            return (value, String(text.dropFirst(digits.count)))
        }
        // The error carries the suffix when the value has none of its own (`1.00±0s`).
        guard let (value, ownSuffix) = split(parts[0]), parts.count == 1 || split(parts[1]) != nil else {
            throw ResultFormatError(format, "line \(line): \(name): \(printed.debugDescription) is not a value")
        }
        let error = parts.count == 2 ? split(parts[1]) : nil
        let suffix = ownSuffix.isEmpty ? error?.1 ?? "" : ownSuffix
        let (factor, unit): (Double?, String?) = switch type {
        case "time": (consoleTimes[suffix], "s")
        case "mem", "peakmem": (consoleSizes[suffix], "B")
        default: (consoleSizes[suffix], nil)
        }
        guard let factor else { throw ResultFormatError(format, "line \(line): \(name): unknown unit \(suffix.debugDescription) in \(printed.debugDescription)") }
        let spread = (error?.0 ?? 0) * factor
        measurements.append(try measurement(metric: "\(name)/\(type)", value: value * factor, unit: unit,
                                            lower: error == nil ? nil : value * factor - spread, upper: error == nil ? nil : value * factor + spread))
    }

    /// The cells of a row `| a | b |`, trimmed, without the empty ones outside the bars.
    private static func tableCells(_ line: Substring) -> [String] {
        var cells = line.split(separator: "|", omittingEmptySubsequences: false).dropFirst().map { $0.trimmingCharacters(in: .whitespaces) }
        if line.hasSuffix("|"), cells.last == "" { cells.removeLast() }
        return cells
    }
}
