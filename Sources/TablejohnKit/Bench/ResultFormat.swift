// The result formats tablejohn reads, detection among them, and their errors.

/// A benchmark harness's output format.
public enum ResultFormat: String, Sendable, CaseIterable, CustomStringConvertible {
    /// tablejohn JSON or Bencher Metric Format (BMF).
    case tablejohn
    case packageBenchmark = "package-benchmark"
    case goBench = "go"
    case googleBenchmark = "google-benchmark"
    case hyperfine
    case pytestBenchmark = "pytest-benchmark"
    case libtest
    case jmh
    case criterion
    case catch2
    case benchmarkDotNet = "benchmarkdotnet"
    case pyperf
    case asv
    case vitest
    case divan

    public var description: String {
        switch self {
        case .tablejohn: "tablejohn JSON / Bencher Metric Format"
        case .packageBenchmark: "Swift package-benchmark"
        case .goBench: "go test -bench"
        case .googleBenchmark: "Google Benchmark JSON"
        case .hyperfine: "hyperfine JSON"
        case .pytestBenchmark: "pytest-benchmark JSON"
        case .libtest: "Rust libtest bench"
        case .jmh: "JMH JSON"
        case .criterion: "Criterion"
        case .catch2: "Catch2 XML"
        case .benchmarkDotNet: "BenchmarkDotNet JSON"
        case .pyperf: "pyperf JSON"
        case .asv: "asv results"
        case .vitest: "Vitest bench JSON"
        case .divan: "divan"
        }
    }

    /// The adapter that reads this format.
    var adapter: any ResultAdapter.Type {
        switch self {
        case .tablejohn: TablejohnJSONFormat.self
        case .packageBenchmark: PackageBenchmarkFormat.self
        case .goBench: GoBenchFormat.self
        case .googleBenchmark: GoogleBenchmarkFormat.self
        case .hyperfine: HyperfineFormat.self
        case .pytestBenchmark: PytestBenchmarkFormat.self
        case .libtest: LibtestBenchFormat.self
        case .jmh: JMHFormat.self
        case .criterion: CriterionFormat.self
        case .catch2: Catch2Format.self
        case .benchmarkDotNet: BenchmarkDotNetFormat.self
        case .pyperf: PyperfFormat.self
        case .asv: AsvFormat.self
        case .vitest: VitestBenchFormat.self
        case .divan: DivanFormat.self
        }
    }
}

/// Results that could not be read. The message names the format tried and the line
/// or key that failed.
struct ResultFormatError: Error, Equatable, CustomStringConvertible {
    var format: ResultFormat?
    var message: String

    init(_ format: ResultFormat?, _ message: String) {
        self.format = format
        self.message = message
    }

    var description: String { format.map { "\($0): \(message)" } ?? message }
}

/// One harness's output turned into measurements named `benchmark/measure`.
protocol ResultAdapter {
    static var format: ResultFormat { get }
    /// Whether the text looks like this format (cheap: the first lines or top-level keys).
    static func recognizes(_ input: ResultInput) -> Bool
    static func parse(_ input: ResultInput) throws(ResultFormatError) -> [Measurement]
}

/// Results as read: the bytes, their text, and the JSON value when they are JSON.
struct ResultInput {
    /// The file's name when it came from a file (`Target.Benchmark.p90.json`): some
    /// formats name their benchmark only there.
    let name: String?
    /// A file given alongside that describes the results (asv's `benchmarks.json`).
    let companion: JSONValue?
    let text: String
    let json: JSONValue?
    /// Why the bytes are not JSON, when they are not.
    let jsonError: String

    init(_ bytes: [UInt8], name: String? = nil, companion: JSONValue? = nil) {
        self.name = name
        self.companion = companion
        text = String(repairingUTF8: bytes)
        lines = Self.lines(of: text)
        let first = bytes.first { ![0x20, 0x09, 0x0a, 0x0d].contains($0) }
        do {
            guard first == UInt8(ascii: "{") || first == UInt8(ascii: "[") else { throw JSONError(message: "it does not start with { or [") }
            json = try JSONValue.parse(bytes)
            jsonError = ""
        } catch {
            json = nil
            jsonError = "\(error)"
        }
    }

    /// The JSON value, or an error for `format` saying why there is none (a cut file, say).
    func requireJSON(_ format: ResultFormat) throws(ResultFormatError) -> JSONValue {
        guard let json else { throw ResultFormatError(format, "not JSON: \(jsonError)") }
        return json
    }

    /// The lines of the text with their 1-based numbers, split once: every adapter's
    /// `recognizes` reads them, and splitting 8 MiB per adapter cost hundreds of megabytes.
    let lines: [(number: Int, text: Substring)]

    /// The lines of `text` without their "\n" or "\r\n". Split on UTF-8 bytes: a "\n"
    /// byte is always a Character boundary (but inside "\r\n", one Character), and
    /// splitting 8 MiB Character by Character took 14 s in a debug build.
    private static func lines(of text: String) -> [(number: Int, text: Substring)] {
        var text = text
        var ranges: [Range<Int>] = []
        text.withUTF8 { bytes in
            var start = 0
            for index in bytes.indices where bytes[index] == 0x0A {
                ranges.append(start..<index)
                start = index + 1
            }
            ranges.append(start..<bytes.count)
            for (position, range) in ranges.enumerated() where range.count > 0 && bytes[range.upperBound - 1] == 0x0D {
                ranges[position] = range.lowerBound..<range.upperBound - 1
            }
        }
        let utf8 = text.utf8
        return ranges.enumerated().map { position, range in
            let start = utf8.index(utf8.startIndex, offsetBy: range.lowerBound)
            return (position + 1, Substring(utf8[start..<utf8.index(start, offsetBy: range.count)]))
        }
    }
}

/// Reads benchmark results in any supported format.
enum ResultReader {
    /// The measurements in `bytes`, in `format` or in the format detected from the content.
    /// `name` is the file's name, when the bytes come from a file; `companion`, a file given
    /// alongside that describes the results (asv's `benchmarks.json`).
    static func read(_ bytes: [UInt8], format: ResultFormat? = nil, name: String? = nil,
                            companion: JSONValue? = nil) throws(ResultFormatError) -> (ResultFormat, [Measurement]) {
        let input = ResultInput(bytes, name: name, companion: companion)
        if let format { return (format, try parse(input, as: format)) }
        guard let detected = detect(input) else {
            let trimmed = input.text.trimmingPrefix(while: \.isWhitespace)
            if trimmed.first == "{" || trimmed.first == "[" {
                let reason = (try? JSONValue.parse(bytes)) == nil ? "it looks like JSON but does not parse" : "its keys match no known format"
                throw ResultFormatError(nil, "no supported result format recognised: \(reason) (formats: \(names))")
            }
            throw ResultFormatError(nil, "no supported result format recognised in \(bytes.count) bytes (formats: \(names))")
        }
        return (detected, try parse(input, as: detected))
    }

    /// The description of results in `bytes` (asv's `benchmarks.json`), which holds none itself.
    static func companion(_ bytes: [UInt8]) -> JSONValue? {
        guard let json = try? JSONValue.parse(bytes), AsvFormat.isBenchmarkIndex(json) else { return nil }
        return json
    }

    /// The format `bytes` look like, if any.
    static func detect(_ bytes: [UInt8]) -> ResultFormat? { detect(ResultInput(bytes)) }

    static func detect(_ input: ResultInput) -> ResultFormat? {
        ResultFormat.allCases.first { $0.adapter.recognizes(input) }
    }

    private static func parse(_ input: ResultInput, as format: ResultFormat) throws(ResultFormatError) -> [Measurement] {
        let measurements = try format.adapter.parse(input)
        guard !measurements.isEmpty else { throw ResultFormatError(format, "no measurements found") }
        do {
            try Measurement.check(count: measurements.count)
        } catch {
            throw ResultFormatError(format, error.description)
        }
        return measurements
    }

    static var names: String { ResultFormat.allCases.map(\.rawValue).joined(separator: ", ") }
}

extension ResultAdapter {
    /// A measurement of this format, or an error naming the format and the metric
    /// (a number that is not finite, a name too long).
    static func measurement(metric: String, value: Double, unit: String? = nil, samples: [Double]? = nil,
                            lower: Double? = nil, upper: Double? = nil) throws(ResultFormatError) -> Measurement {
        do {
            return try Measurement(metric: metric, value: value, unit: unit, samples: samples, lower: lower, upper: upper)
        } catch {
            throw ResultFormatError(format, error.description)
        }
    }
}

/// Measurements keyed by metric in first-seen order, for formats that repeat a benchmark.
struct SampleCollector {
    private var order: [String] = []
    private var samples: [String: (unit: String?, values: [Double])] = [:]

    mutating func add(_ metric: String, _ value: Double, unit: String?) {
        if samples[metric] == nil { order.append(metric) }
        samples[metric, default: (unit, [])].values.append(value)
    }

    /// The measurements, or an error for `format` naming the first metric whose mean
    /// is not finite or whose name is not allowed.
    func measurements(_ format: ResultFormat) throws(ResultFormatError) -> [Measurement] {
        var result: [Measurement] = []
        result.reserveCapacity(order.count)
        for metric in order {
            do {
                result.append(try Measurement(metric: metric, samples: samples[metric]!.values, unit: samples[metric]!.unit))
            } catch {
                throw ResultFormatError(format, error.description)
            }
        }
        return result
    }
}
