// `go test -bench` text output, with -benchmem, -count and sub-benchmarks.

/// Lines such as `BenchmarkFib20-8   31054   38409 ns/op   0 B/op   0 allocs/op`.
/// The GOMAXPROCS suffix (`-8`) is dropped; each value/unit pair becomes a metric
/// `Name/unit_per_op` (`BenchmarkFib20/ns_per_op`, `…/B_per_op`, `…/allocs_per_op`,
/// `…/MB_per_s`, custom `b.ReportMetric` units alike) with the unit before the slash.
/// Repeated lines (`-count`) are samples. When the output covers several packages
/// (`pkg:` lines), metric names start with the package path.
enum GoBenchFormat: ResultAdapter {
    static let format = ResultFormat.goBench

    static func recognizes(_ input: ResultInput) -> Bool {
        input.json == nil && input.lines.contains { (try? result($0.text, line: $0.number)) != nil }
    }

    static func parse(_ input: ResultInput) throws(ResultFormatError) -> [Measurement] {
        var package = ""
        var packages: Set<String> = []
        var entries: [(package: String, name: String, values: [(Double, String)])] = []
        for (number, line) in input.lines {
            if line.hasPrefix("pkg: ") {
                package = String(line.dropFirst(5)).trimmingCharacters(in: .whitespaces)
                packages.insert(package)
            } else if let (name, values) = try result(line, line: number) {
                entries.append((package, name, values))
            }
        }
        var collector = SampleCollector()
        for entry in entries {
            let prefix = packages.count > 1 && !entry.package.isEmpty ? entry.package + "/" : ""
            for (value, unit) in entry.values {
                let measure = unit.replacingOccurrences(of: "/", with: "_per_")
                let shortUnit = unit.split(separator: "/").first.map(String.init) ?? unit
                collector.add(prefix + entry.name + "/" + measure, value, unit: unit == "MB/s" ? unit : shortUnit)
            }
        }
        return try collector.measurements(format)
    }

    /// A benchmark result line's name and value/unit pairs; nil for any other line. A line
    /// that starts like a result but breaks off or holds a non-number is an error.
    static func result(_ line: Substring, line number: Int) throws(ResultFormatError) -> (String, [(Double, String)])? {
        // Most lines of a log are not results; tokenizing them by Character is what cost.
        guard line.startsUTF8AfterBlanks(with: "Benchmark") else { return nil }
        let tokens = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard tokens.count >= 2, tokens[0].hasPrefix("Benchmark"), let iterations = Int(tokens[1]), iterations > 0 else { return nil }
        var name = tokens[0]
        if let dash = name.lastIndex(of: "-"), !name[name.index(after: dash)...].isEmpty,
           name[name.index(after: dash)...].allSatisfy(\.isNumber) {
            name = name[..<dash]
        }
        let pairs = tokens.dropFirst(2)
        guard !pairs.isEmpty, pairs.count % 2 == 0 else {
            throw ResultFormatError(format, "line \(number): \(name) has no complete value/unit pairs after its \(iterations) iterations")
        }
        var values: [(Double, String)] = []
        for index in stride(from: pairs.startIndex, to: pairs.endIndex, by: 2) {
            guard let value = Double(pairs[index]), value.isFinite else {
                throw ResultFormatError(format, "line \(number): \(name): \(String(pairs[index]).debugDescription) is not a number")
            }
            values.append((value, String(pairs[index + 1])))
        }
        return (String(name), values)
    }
}
