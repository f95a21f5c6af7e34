// Criterion.rs: the `cargo bench` report and `estimates.json`.

import Foundation

/// - The report: `NAME  time: [26.029 µs 26.251 µs 26.505 µs]` (the name may stand on the
///   line before) becomes `NAME/time` in nanoseconds, the middle figure as the value and
///   the outer two as bounds; a `thrpt:` line becomes `NAME/thrpt` in its unit.
/// - `estimates.json` (one benchmark's file, named by its folder, which the file does not
///   hold) becomes `criterion/mean`, `criterion/median`, … in nanoseconds, with each
///   estimate's confidence interval as bounds.
enum CriterionFormat: ResultAdapter {
    static let format = ResultFormat.criterion
    static let scale: [String: Double] = ["ps": 0.001, "ns": 1, "us": 1000, "µs": 1000, "ms": 1_000_000, "s": 1_000_000_000]

    static func recognizes(_ input: ResultInput) -> Bool {
        if let json = input.json { return json["mean"]?["point_estimate"] != nil }
        return input.text.containsUTF8("time:   [") && input.lines.contains { $0.text.contains("time:   [") }
    }

    static func parse(_ input: ResultInput) throws(ResultFormatError) -> [Measurement] {
        if input.json != nil || input.text.trimmingPrefix(while: \.isWhitespace).first == "{" { return try estimates(input) }
        var measurements: [Measurement] = []
        // The last line that can name the next one, trimmed only when a name is needed:
        // trimming and searching every line of 8 MiB of noise took over a second in debug.
        var previousLine: Substring = ""
        for (number, line) in input.lines {
            let hasLabel = line.containsUTF8("time: ") || line.containsUTF8("thrpt: ")
            let hasColonAndBracket = line.containsUTF8(":") && line.containsUTF8("[")
            guard hasLabel || hasColonAndBracket else {
                if !line.unicodeScalars.allSatisfy(CharacterSet.whitespaces.contains) { previousLine = line }
                continue
            }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            for (label, isTime) in [("time:", true), ("thrpt:", false)] where hasLabel {
                guard let range = trimmed.range(of: label + " "), trimmed[range.upperBound...].trimmingPrefix(while: \.isWhitespace).first == "[" else { continue }
                let before = trimmed[..<range.lowerBound].trimmingCharacters(in: .whitespaces)
                let name = before.isEmpty ? previousLine.trimmingCharacters(in: .whitespaces) : before
                let inside = trimmed[range.upperBound...].drop { $0 != "[" }.dropFirst().prefix { $0 != "]" }
                let parts = inside.split(separator: " ")
                guard !name.isEmpty, trimmed.hasSuffix("]"), parts.count == 6 else {
                    throw ResultFormatError(format, "line \(number): expected \"\(label) [LOW UNIT ESTIMATE UNIT HIGH UNIT]\"")
                }
                var values: [Double] = []
                for pair in stride(from: 0, to: 6, by: 2) {
                    guard let value = Double(parts[pair]), value.isFinite else {
                        throw ResultFormatError(format, "line \(number): \(name): \(String(parts[pair]).debugDescription) is not a number")
                    }
                    if isTime {
                        guard let factor = scale[String(parts[pair + 1])] else {
                            throw ResultFormatError(format, "line \(number): \(name): unknown time unit \(String(parts[pair + 1]).debugDescription)")
                        }
                        values.append(value * factor)
                    } else {
                        values.append(value)
                    }
                }
                measurements.append(try measurement(metric: "\(name)/\(isTime ? "time" : "thrpt")", value: values[1],
                                                unit: isTime ? "ns" : String(parts[1]), lower: values[0], upper: values[2]))
            }
            if !trimmed.isEmpty, !trimmed.contains(":") || !trimmed.contains("[") { previousLine = line }
        }
        return measurements
    }

    private static func estimates(_ input: ResultInput) throws(ResultFormatError) -> [Measurement] {
        guard case .object(let top) = try input.requireJSON(format) else { throw ResultFormatError(format, "expected an object of estimates") }
        var measurements: [Measurement] = []
        for (name, estimate) in top.entries where estimate != .null {
            guard let point = estimate["point_estimate"]?.doubleValue, point.isFinite else {
                throw ResultFormatError(format, "\(name).point_estimate must be a number")
            }
            let interval = estimate["confidence_interval"]
            measurements.append(try measurement(metric: "criterion/\(name)", value: point, unit: "ns",
                                            lower: interval?["lower_bound"]?.doubleValue, upper: interval?["upper_bound"]?.doubleValue))
        }
        return measurements
    }
}
