// Rust's built-in bench harness: `test name ... bench:   1,234 ns/iter (+/- 56)`.

/// Each line becomes `name/ns_per_iter` (unit `ns`), with `value ∓ deviation` as its
/// lower and upper bounds; a trailing `= 120 MB/s` becomes `name/MB_per_s`.
enum LibtestBenchFormat: ResultAdapter {
    static let format = ResultFormat.libtest
    static let marker = " ... bench:"

    static func recognizes(_ input: ResultInput) -> Bool {
        input.json == nil && input.lines.contains { $0.text.hasPrefix("test ") && $0.text.contains(marker) }
    }

    static func parse(_ input: ResultInput) throws(ResultFormatError) -> [Measurement] {
        var measurements: [Measurement] = []
        for (lineNumber, line) in input.lines where line.hasPrefix("test ") {
            // Searched after "test ", so "test ... bench:" (whose marker starts inside "test ") has no name to cut.
            let nameStart = line.index(line.startIndex, offsetBy: 5)
            guard let markerRange = line.range(of: marker, range: nameStart..<line.endIndex) else { continue }
            let name = line[nameStart..<markerRange.lowerBound].trimmingCharacters(in: .whitespaces)
            let rest = line[markerRange.upperBound...].split(separator: " ", omittingEmptySubsequences: true)
            // value, unit ("ns/iter"), "(+/-", "deviation)" [, "=", rate, rate unit]
            guard rest.count >= 4, rest[2] == "(+/-", rest[3].hasSuffix(")"),
                  let value = number(rest[0]), let deviation = number(rest[3].dropLast()), rest[1].hasSuffix("/iter") else {
                throw ResultFormatError(format, "line \(lineNumber): \(name): expected \"VALUE ns/iter (+/- DEVIATION)\" after \"bench:\"")
            }
            let unit = String(rest[1].dropLast(5))
            measurements.append(try measurement(metric: "\(name)/\(unit)_per_iter", value: value, unit: unit,
                                            lower: value - deviation, upper: value + deviation))
            if rest.count >= 7, rest[4] == "=", let rate = number(rest[5]) {
                measurements.append(try measurement(metric: "\(name)/\(rest[6].replacingOccurrences(of: "/", with: "_per_"))",
                                                value: rate, unit: String(rest[6])))
            }
        }
        return measurements
    }

    /// `1,234.5` → 1234.5.
    private static func number(_ text: Substring) -> Double? {
        Double(text.filter { $0 != "," }).flatMap { $0.isFinite ? $0 : nil }
    }
}
