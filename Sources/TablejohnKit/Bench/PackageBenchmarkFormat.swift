// Swift package-benchmark (`swift package benchmark`): its text and markdown tables.

/// - The table `swift package benchmark` prints (`--format text`, the default, or
///   `markdown`), grouped by benchmark (`--grouping benchmark`, the default: a table per
///   benchmark, a row per metric) or by metric (a table per metric, a row per
///   `Target:Benchmark`). Each row becomes `TARGET:BENCHMARK/METRIC` (`Sorting:Quicksort/wallClock`),
///   METRIC named as in `metrics:` (`wallClock`, `cpuTotal`, `mallocCountTotal`, `throughput`,
///   …; a custom metric by its name): p50 as the value, p0 and p100 as bounds. Times are
///   in nanoseconds, memory and I/O in bytes, throughput in ops/s, counts without unit;
///   the row's scale (`(μs)`, `(K)`, `(M)`) is applied on the way in.
/// - Its JSON exports (`--format jmh`, `metricP90AbsoluteThresholds`) are read by
///   `PackageBenchmarkFormat+JSON.swift`.
enum PackageBenchmarkFormat: ResultAdapter {
    static let format = ResultFormat.packageBenchmark

    /// How a metric is measured: the base unit its values are stored in.
    enum Kind {
        case time, size, count, throughput

        var unit: String? {
            switch self {
            case .time: "ns"
            case .size: "B"
            case .count: nil
            case .throughput: "ops/s"
            }
        }
    }

    /// The built-in metrics: the description the tables show, the name `metrics:` uses, what they measure.
    static let metrics: [(description: String, name: String, kind: Kind)] = [
        ("Time (user CPU)", "cpuUser", .time), ("Time (system CPU)", "cpuSystem", .time),
        ("Time (total CPU)", "cpuTotal", .time), ("Time (wall clock)", "wallClock", .time),
        ("Throughput (# / s)", "throughput", .throughput),
        ("Memory (resident peak)", "peakMemoryResident", .size), ("Memory Δ (resident peak)", "peakMemoryResidentDelta", .size),
        ("Memory (virtual peak)", "peakMemoryVirtual", .size),
        ("Malloc (small)", "mallocCountSmall", .count), ("Malloc (large)", "mallocCountLarge", .count),
        ("Malloc (total)", "mallocCountTotal", .count), ("Free (total)", "freeCountTotal", .count),
        ("Malloc (bytes total)", "mallocBytesCount", .size), ("Malloc / free Δ", "mallocFreeDelta", .count),
        ("Memory (allocated resident)", "allocatedResidentMemory", .size), ("Memory leaked (resident)", "memoryLeaked", .count),
        ("Malloc / free Δ (bytes)", "memoryLeakedBytes", .size), ("Syscalls (total)", "syscalls", .count),
        ("Context switches", "contextSwitches", .count), ("Threads (peak)", "threads", .count),
        ("Threads (running)", "threadsRunning", .count), ("Syscalls (read)", "readSyscalls", .count),
        ("Syscalls (write)", "writeSyscalls", .count), ("Bytes (read logical)", "readBytesLogical", .size),
        ("Bytes (write logical)", "writeBytesLogical", .size), ("Bytes (read physical)", "readBytesPhysical", .size),
        ("Bytes (write physical)", "writeBytesPhysical", .size), ("Instructions", "instructions", .count),
        ("Object allocs", "objectAllocCount", .count), ("Retains", "retainCount", .count),
        ("Releases", "releaseCount", .count), ("(Alloc + Retain) - Release Δ", "retainReleaseDelta", .count),
    ]
    static let byDescription = Dictionary(uniqueKeysWithValues: metrics.map { ($0.description, ($0.name, $0.kind)) })
    static let byName = Dictionary(uniqueKeysWithValues: metrics.map { ($0.name, $0.kind) })
    /// Scales of the tables' units: time units in nanoseconds, count scales as multiples.
    static let timeScales: [String: Double] = ["ns": 1, "μs": 1e3, "µs": 1e3, "ms": 1e6, "s": 1e9, "ks": 1e12, "Ms": 1e15]
    static let countScales: [String: Double] = ["#": 1, "K": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "P": 1e15]
    static let columns = ["p0", "p25", "p50", "p75", "p90", "p99", "p100", "Samples"]

    static func recognizes(_ input: ResultInput) -> Bool {
        if let json = input.json { return recognizesJSON(json, name: input.name) }
        return input.text.containsUTF8("p100") && input.lines.contains { header($0.text) != nil }
    }

    static func parse(_ input: ResultInput) throws(ResultFormatError) -> [Measurement] {
        let first = input.text.trimmingPrefix(while: \.isWhitespace).first
        if input.json != nil || first == "{" || first == "[" { return try parseJSON(input) }
        var measurements: [Measurement] = []
        var target = ""
        var key = ""
        var grouping: String?
        var openTable: (line: Int, key: String)?
        let lines = input.lines
        for (position, (number, line)) in lines.enumerated() {
            // Past the limit the run is refused anyway (ResultReader says so): stop reading.
            if measurements.count > Measurement.maxPerRun { break }
            let trimmed = line.trimmingPrefix(while: \.isWhitespace)
            if let title = header(line) {
                grouping = title
                continue
            }
            if trimmed.hasPrefix("╒") { openTable = (number, key); continue }
            if trimmed.hasPrefix("╘") { openTable = nil; grouping = nil; continue }
            if let current = grouping {
                if trimmed.hasPrefix("├") || trimmed.hasPrefix("╞") { continue }
                if let cells = cells(line) {
                    guard cells.count == columns.count + 1 else {
                        throw ResultFormatError(format, "line \(number): \(key): expected \(columns.count + 1) columns, found \(cells.count)")
                    }
                    measurements.append(try row(cells, grouping: current, target: target, key: key, line: number))
                    continue
                }
                if trimmed.hasPrefix("|") { continue }
                // A markdown table ends at the first line that is not one of its rows.
                grouping = nil
            }
            // A title: `## Target` / `### Benchmark` in markdown; in text, a target between
            // two lines of "=" and a benchmark (or metric) on its own line before its table.
            if trimmed.hasPrefix("### ") {
                key = String(trimmed.dropFirst(4))
            } else if trimmed.hasPrefix("## ") {
                target = String(trimmed.dropFirst(3))
            } else if !trimmed.isEmpty, !trimmed.hasPrefix("|"), !trimmed.hasPrefix("`"), !trimmed.allSatisfy({ $0 == "=" }) {
                let above = position > 0 ? lines[position - 1].text : ""
                let below = position + 1 < lines.count ? lines[position + 1].text : ""
                if isRule(above) && isRule(below) { target = String(trimmed) } else { key = String(trimmed) }
            }
        }
        if let openTable {
            throw ResultFormatError(format, "line \(openTable.line): the table of \(openTable.key.debugDescription) is cut off (no closing ╘ border)")
        }
        return measurements
    }

    /// The first column's title ("Metric" or "Test") when `line` is a table's header row.
    static func header(_ line: Substring) -> String? {
        guard line.containsUTF8("p100"), let cells = cells(line), cells.count == columns.count + 1,
              Array(cells.dropFirst()) == columns else { return nil }
        return cells[0]
    }

    /// The cells of a table row (`│ a │ b │` or `| a | b |`), or nil for any other line.
    static func cells(_ line: Substring) -> [String]? {
        let trimmed = line.trimmingPrefix(while: \.isWhitespace)
        guard let bar = trimmed.first, bar == "│" || bar == "|", trimmed.count > 1 else { return nil }
        var parts = trimmed.split(separator: bar, omittingEmptySubsequences: false).map {
            String($0.trimmingPrefix(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
        }
        parts.removeFirst()
        if parts.last == "" { parts.removeLast() }
        // Markdown's line under the header (`|:---|---:|`) holds no values.
        if parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { ":-".contains($0) } }) { return nil }
        return parts
    }

    private static func isRule(_ line: Substring) -> Bool { !line.isEmpty && line.allSatisfy { $0 == "=" } }

    /// One row: `Time (wall clock) (μs) *  │ 1 │ 2 │ … │ 100` grouped by benchmark, or
    /// `Target:Benchmark (μs) *  │ …` grouped by metric (the metric being the table's title).
    private static func row(_ cells: [String], grouping: String, target: String, key: String, line: Int) throws(ResultFormatError) -> Measurement {
        var label = Substring(cells[0])
        if label == "*" { label = "" } else if label.hasSuffix(" *") { label = label.dropLast(2) }
        var scale: String?
        if label.hasSuffix(")"), let open = label.lastIndex(of: "(") {
            let inside = String(label[label.index(after: open)..<label.index(before: label.endIndex)])
            if timeScales[inside] != nil || countScales[inside] != nil {
                scale = inside
                label = label[..<open]
            }
        }
        let described = String(label.reversed().drop(while: \.isWhitespace).reversed())
        let benchmark: String
        let metricDescription: String
        if grouping == "Metric" {
            benchmark = target.isEmpty ? key : "\(target):\(key)"
            metricDescription = described
        } else {
            benchmark = described
            metricDescription = key
        }
        let (name, kind) = byDescription[metricDescription] ?? (metricDescription, Kind.count)
        let metric = "\(benchmark)/\(name)"
        let factor: Double
        switch (kind, scale) {
        case (_, nil): factor = 1
        case (.time, let scale?):
            guard let time = timeScales[scale] else { throw ResultFormatError(format, "line \(line): \(metric): \(scale.debugDescription) is not a unit of time") }
            factor = time
        case (_, let scale?): factor = countScales[scale] ?? 1
        }
        var values: [Double] = []
        for (column, cell) in zip(columns, cells.dropFirst()) where column != "Samples" {
            guard let value = Double(cell) else {
                throw ResultFormatError(format, "line \(line): \(metric): \(cell.debugDescription) in column \(column) is not a number")
            }
            values.append(value * factor)
        }
        // Throughput's percentiles run from fastest to slowest: bounds are the smaller and larger of p0 and p100.
        return try measurement(metric: metric, value: values[2], unit: kind.unit,
                               lower: min(values[0], values[6]), upper: max(values[0], values[6]))
    }
}
