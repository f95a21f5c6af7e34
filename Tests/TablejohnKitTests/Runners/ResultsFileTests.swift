import Testing
@testable import TablejohnKit

@Suite("Results file")
struct ResultsFileTests {
    static func parse(_ text: String) throws -> [Measurement] { try ResultsFile.parse(Array(text.utf8)) }

    @Test("tablejohn JSON keeps units, samples and bounds")
    func tablejohnFormat() throws {
        let measurements = try Self.parse("""
            {"build/time": {"value": 12.5, "unit": "s", "samples": [12.1, 12.9], "lower": 12.1, "upper": 12.9},
             "binary/size": {"value": 1048576, "unit": "bytes"}}
            """)
        #expect(measurements == [
            Measurement(metric: "build/time", value: 12.5, unit: "s", samples: [12.1, 12.9], lower: 12.1, upper: 12.9),
            Measurement(metric: "binary/size", value: 1_048_576, unit: "bytes"),
        ])
    }

    @Test("Bencher Metric Format becomes benchmark/measure")
    func bencherMetricFormat() throws {
        let measurements = try Self.parse("""
            {"sort::quick": {"latency": {"value": 88.5, "lower_value": 80.0, "upper_value": 95.25},
                             "throughput": {"value": 1200}}}
            """)
        #expect(measurements == [
            Measurement(metric: "sort::quick/latency", value: 88.5, lower: 80, upper: 95.25),
            Measurement(metric: "sort::quick/throughput", value: 1200),
        ])
    }

    @Test("broken files are errors that name the format and the key, never zeros")
    func errors() {
        #expect(throws: ResultsFileError(message: "results file: expected a JSON object of metrics")) { try Self.parse("[1, 2]") }
        #expect(throws: ResultsFileError(message: "results file (tablejohn JSON): time.value must be a finite number")) {
            try Self.parse(#"{"time": {"value": "fast"}}"#)
        }
        #expect(throws: ResultsFileError(message: "results file (Bencher Metric Format): b/latency must be an object with \"value\"")) {
            try Self.parse(#"{"b": {"latency": 3}}"#)
        }
        #expect(throws: ResultsFileError(message: "results file (tablejohn JSON): t.samples must be an array of numbers")) {
            try Self.parse(#"{"t": {"value": 1, "samples": [1, "x"]}}"#)
        }
        #expect(throws: ResultsFileError.self) { try Self.parse(#"{"t": {"value": 1"#) }
    }
}
