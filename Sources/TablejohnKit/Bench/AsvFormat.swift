// asv (airspeed velocity) results: `results/<machine>/<hash>-<env>.json`, with `benchmarks.json`;
// its console output is read by `AsvFormat+Console.swift`.

/// Each benchmark, and each combination of a parameterised one's parameters, becomes
/// `NAME(PARAMS)/TYPE`: `benchmarks.TimeSuite.time_keys/time` in s, `….mem_list/mem` and
/// `…/peakmem` in B, `…/track` in the benchmark's unit. PARAMS are `n=10, kind='a'` when
/// `benchmarks.json` is given alongside (it names parameters and units), else the values
/// alone (`10, 'a'`), the type and unit then following the name's prefix. The value is asv's
/// result (the median), the 99 % interval the bounds, the samples kept when saved
/// (`--record-samples`). Failed and skipped combinations (null, NaN) are left out; asv's
/// `NaN` and `±Infinity`, which are not JSON, are read as null.
enum AsvFormat: ResultAdapter {
    static let format = ResultFormat.asv

    static func recognizes(_ input: ResultInput) -> Bool {
        if let json = input.json { return json["results"]?.objectValue != nil && (json["result_columns"] ?? json["commit_hash"]) != nil }
        if input.text.containsUTF8("\"result_columns\"") { return (try? results(input)) != nil }
        return recognizesConsole(input)
    }

    static func parse(_ input: ResultInput) throws(ResultFormatError) -> [Measurement] {
        if input.json == nil, input.text.trimmingPrefix(while: \.isWhitespace).first != "{" { return try parseConsole(input) }
        let file = try results(input)
        guard case .object(let results)? = file["results"] else { throw ResultFormatError(format, "expected an object \"results\"") }
        let columns = file["result_columns"]?.arrayValue?.compactMap(\.stringValue) ?? []
        func column(_ entry: JSONValue, _ name: String) -> JSONValue? {
            if case .object = entry { return entry[name == "stats_ci_99_a" || name == "stats_ci_99_b" ? "stats" : name] }
            guard let position = columns.firstIndex(of: name), let values = entry.arrayValue, position < values.count else { return nil }
            return values[position]
        }
        let index = input.companion.flatMap { isBenchmarkIndex($0) ? $0 : nil }
        var measurements: [Measurement] = []
        for (name, entry) in results.entries {
            // Version 1 files hold a number, or an object with "result" and "params".
            let resultColumn: JSONValue? = entry.doubleValue != nil ? entry : column(entry, "result")
            guard let result = resultColumn else { throw ResultFormatError(format, "\(name): no \"result\" column") }
            let values: [JSONValue] = result.arrayValue ?? [result]
            let params = column(entry, "params")?.arrayValue?.map { $0.arrayValue?.map { $0.stringValue ?? "\($0)" } ?? [] } ?? []
            let combinations = params.reduce([[String]()]) { partial, axis in partial.flatMap { prefix in axis.map { prefix + [$0] } } }
            guard values.count == combinations.count || params.isEmpty else {
                throw ResultFormatError(format, "\(name): \(values.count) results for \(combinations.count) parameter combinations")
            }
            let described = index?[name]
            let names = described?["param_names"]?.arrayValue?.compactMap(\.stringValue) ?? []
            let (type, unit) = kind(name, described)
            let samples = column(entry, "samples")?.arrayValue
            let lower = column(entry, "stats_ci_99_a")?.arrayValue
            let upper = column(entry, "stats_ci_99_b")?.arrayValue
            for (position, value) in values.enumerated() {
                guard value != .null else { continue }
                guard let number = value.doubleValue else { throw ResultFormatError(format, "\(name): result \(position + 1) must be a number or null") }
                var label = name
                if !params.isEmpty {
                    let combination = combinations[position]
                    let parts = combination.enumerated().map { names.count == combination.count ? "\(names[$0.offset])=\($0.element)" : $0.element }
                    label += "(\(parts.joined(separator: ", ")))"
                }
                let kept = samples.flatMap { position < $0.count ? $0[position].arrayValue?.compactMap(\.doubleValue) : nil }
                measurements.append(try measurement(
                    metric: "\(label)/\(type)", value: number, unit: unit, samples: (kept?.count ?? 0) > 1 ? kept : nil,
                    lower: lower.flatMap { position < $0.count ? $0[position].doubleValue : nil },
                    upper: upper.flatMap { position < $0.count ? $0[position].doubleValue : nil }))
            }
        }
        return measurements
    }

    /// Whether `json` is asv's `benchmarks.json`: benchmarks described by type and unit.
    static func isBenchmarkIndex(_ json: JSONValue) -> Bool {
        guard case .object(let top) = json, top["results"] == nil else { return false }
        let described = top.entries.filter { $0.key != "version" }
        return !described.isEmpty && described.allSatisfy { $0.value["type"]?.stringValue != nil }
    }

    /// The type (time, mem, peakmem, track) and stored unit of benchmark `name`.
    private static func kind(_ name: String, _ described: JSONValue?) -> (String, String?) {
        let function = name.split(separator: ".").last.map(String.init) ?? name
        // benchmarks.json says "memory" and "peakmemory" for what the prefixes call mem and peakmem.
        let type = described?["type"]?.stringValue.map { ["memory": "mem", "peakmemory": "peakmem"][$0] ?? $0 }
            ?? ["timeraw", "time", "peakmem", "mem", "track"].first { function.hasPrefix($0 + "_") }.map { $0 == "timeraw" ? "time" : $0 }
            ?? "track"
        let unit = described?["unit"]?.stringValue ?? (type == "time" ? "seconds" : type == "track" ? "unit" : "bytes")
        return (type, ["seconds": "s", "bytes": "B", "unit": nil][unit] ?? unit)
    }

    /// The results file as JSON, asv's `NaN`, `Infinity` and `-Infinity` read as null.
    static func results(_ input: ResultInput) throws(ResultFormatError) -> JSONValue {
        if let json = input.json { return json }
        guard input.text.trimmingPrefix(while: \.isWhitespace).first == "{" else { throw ResultFormatError(format, "not JSON: \(input.jsonError)") }
        var output: [UInt8] = []
        var text = input.text
        text.withUTF8 { bytes in
            output.reserveCapacity(bytes.count)
            var inString = false
            var escaped = false
            var position = 0
            // Byte by byte through an unsafe buffer: slicing the array per byte took 10 s
            // for 8 MiB in a debug build.
            while position < bytes.count {
                let byte = bytes[position]
                if inString {
                    if escaped { escaped = false } else if byte == 0x5C { escaped = true } else if byte == 0x22 { inString = false }
                } else if byte == 0x22 {
                    inString = true
                } else if byte == 0x2D || byte == 0x49 || byte == 0x4E, // "-", "I", "N"
                          let word = nonFinite.first(where: { word in
                              position + word.count <= bytes.count && (0..<word.count).allSatisfy { bytes[position + $0] == word[$0] }
                          }) {
                    output.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C]) // null
                    position += word.count
                    continue
                }
                output.append(byte)
                position += 1
            }
        }
        do {
            return try JSONValue.parse(output)
        } catch {
            throw ResultFormatError(format, "not JSON: \(error)")
        }
    }

    /// Python's spellings of numbers JSON has no room for.
    private static let nonFinite: [[UInt8]] = [Array("-Infinity".utf8), Array("Infinity".utf8), Array("NaN".utf8)]
}
