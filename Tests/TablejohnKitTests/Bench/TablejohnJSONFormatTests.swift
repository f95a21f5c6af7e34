import Testing
@testable import TablejohnKit

/// Reads `text` with detection and checks the detected format.
func readResults(_ text: String, expecting format: ResultFormat) throws -> [Measurement] {
    let (detected, measurements) = try ResultReader.read(Array(text.utf8))
    #expect(detected == format)
    return measurements
}

/// The error of reading `text` as `format` (forced, as `[bench] format` does).
func resultError(_ text: String, as format: ResultFormat?) -> String? {
    do {
        _ = try ResultReader.read(Array(text.utf8), format: format)
        return nil
    } catch {
        return error.description
    }
}

@Suite("tablejohn JSON and Bencher Metric Format")
struct TablejohnJSONFormatTests {
    static func parse(_ text: String) throws -> [Measurement] { try readResults(text, expecting: .tablejohn) }

    @Test("tablejohn JSON keeps units, samples and bounds")
    func tablejohnFormat() throws {
        let measurements = try Self.parse("""
            {"build/time": {"value": 12.5, "unit": "s", "samples": [12.1, 12.9], "lower": 12.1, "upper": 12.9},
             "binary/size": {"value": 1048576, "unit": "bytes"}}
            """)
        #expect(measurements == [
            try Measurement(metric: "build/time", value: 12.5, unit: "s", samples: [12.1, 12.9], lower: 12.1, upper: 12.9),
            try Measurement(metric: "binary/size", value: 1_048_576, unit: "bytes"),
        ])
    }

    @Test("Bencher Metric Format becomes benchmark/measure")
    func bencherMetricFormat() throws {
        let measurements = try Self.parse("""
            {"sort::quick": {"latency": {"value": 88.5, "lower_value": 80.0, "upper_value": 95.25},
                             "throughput": {"value": 1200}}}
            """)
        #expect(measurements == [
            try Measurement(metric: "sort::quick/latency", value: 88.5, lower: 80, upper: 95.25),
            try Measurement(metric: "sort::quick/throughput", value: 1200),
        ])
    }

    @Test("broken files are errors that name the format and the key, never zeros")
    func errors() {
        #expect(resultError("[1, 2]", as: .tablejohn) == "tablejohn JSON / Bencher Metric Format: expected a JSON object of metrics")
        #expect(resultError(#"{"time": {"value": "fast"}}"#, as: nil)
            == "tablejohn JSON / Bencher Metric Format: time.value must be a finite number")
        #expect(resultError(#"{"b": {"latency": 3}}"#, as: .tablejohn)
            == "tablejohn JSON / Bencher Metric Format: b/latency must be an object with \"value\"")
        #expect(resultError(#"{"t": {"value": 1, "samples": [1, "x"]}}"#, as: nil)
            == "tablejohn JSON / Bencher Metric Format: t.samples must be an array of numbers")
        #expect(resultError(#"{"t": {"value": 1"#, as: nil)
            == "no supported result format recognised: it looks like JSON but does not parse (formats: \(ResultReader.names))")
        #expect(resultError(#"{"t": {"value": 1"#, as: .tablejohn)
            == "tablejohn JSON / Bencher Metric Format: not JSON: '}' expected near end of file (line 1, column 17)")
        #expect(resultError("all good, 3 tests passed\n", as: nil)
            == "no supported result format recognised in 25 bytes (formats: \(ResultReader.names))")
    }
}
