import Testing
@testable import TablejohnKit

@Suite("BenchmarkDotNet JSON")
struct BenchmarkDotNetFormatTests {
    /// One benchmark of a `*-report-full.json`, with the fields BenchmarkDotNet writes.
    static func benchmark(_ method: String, job: String = "DefaultJob", parameters: String = "N=1000", mean: String = "1523.7",
                          values: String = "1510.2, 1523.9, 1537.0", metrics: String? = nil) -> String {
        let metrics = metrics ?? """
            [{"Value": 0.0095, "Descriptor": {"Id": "Gen0Collects", "DisplayName": "Gen0", "Legend": "GC Generation 0 collects per 1000 operations",
              "NumberFormat": "#0.0000", "UnitType": 0, "Unit": "Count", "TheGreaterTheBetter": false, "PriorityInCategory": 0}},
             {"Value": 112, "Descriptor": {"Id": "Allocated Memory", "DisplayName": "Allocated",
              "Legend": "Allocated memory per single operation (managed only, inclusive, 1KB = 1024B)", "NumberFormat": "0.##",
              "UnitType": 2, "Unit": "B", "TheGreaterTheBetter": false, "PriorityInCategory": 0}}]
            """
        return """
            {"DisplayInfo": "Hashing.\(method): \(job) [\(parameters)]", "Namespace": "MyApp.Benchmarks", "Type": "Hashing",
             "Method": "\(method)", "MethodTitle": "\(method)", "Parameters": "\(parameters)",
             "FullName": "MyApp.Benchmarks.Hashing.\(method)(N: 1000)", "HardwareIntrinsics": "AVX2,AES,BMI1,BMI2,FMA,LZCNT,PCLMUL,POPCNT VectorSize=256",
             "Statistics": {"OriginalValues": [\(values)], "N": 3, "Min": 1510.2, "LowerFence": 1490.0, "Q1": 1517.0, "Median": 1523.9,
               "Mean": \(mean), "Q3": 1530.4, "UpperFence": 1560.0, "Max": 1537.0, "InterquartileRange": 13.4, "LowerOutliers": [],
               "UpperOutliers": [], "AllOutliers": [], "StandardError": 7.8, "Variance": 182.5, "StandardDeviation": 13.5,
               "Skewness": 0.01, "Kurtosis": 0.67,
               "ConfidenceInterval": {"N": 3, "Mean": \(mean), "StandardError": 7.8, "Level": 12, "Margin": 246.4, "Lower": 1277.3, "Upper": 1770.1},
               "Percentiles": {"P0": 1510.2, "P25": 1517.0, "P50": 1523.9, "P67": 1528.4, "P80": 1531.9, "P85": 1533.2, "P90": 1534.4,
                               "P95": 1535.7, "P100": 1537.0}},
             "Memory": {"Gen0Collections": 19, "Gen1Collections": 0, "Gen2Collections": 0, "TotalOperations": 2097152, "BytesAllocatedPerOperation": 112},
             "Measurements": [{"IterationMode": "Workload", "IterationStage": "Result", "LaunchIndex": 1, "IterationIndex": 1,
                               "Operations": 524288, "Nanoseconds": 791781376.0}],
             "Metrics": \(metrics)}
            """
    }

    static func report(_ benchmarks: String...) -> String {
        """
        {"Title": "MyApp.Benchmarks.Hashing-20260112-093015",
         "HostEnvironmentInfo": {"BenchmarkDotNetCaption": "BenchmarkDotNet", "BenchmarkDotNetVersion": "0.14.0", "OsVersion": "Debian GNU/Linux 12 (bookworm)",
           "ProcessorName": "AMD EPYC 7763", "PhysicalProcessorCount": 1, "PhysicalCoreCount": 2, "LogicalCoreCount": 4,
           "RuntimeVersion": ".NET 8.0.11 (8.0.1124.51707)", "Architecture": "X64", "HasAttachedDebugger": false, "HasRyuJit": true,
           "Configuration": "RELEASE", "DotNetCliVersion": "8.0.404", "ChronometerFrequency": {"Hertz": 1000000000},
           "HardwareTimerKind": "Unknown"},
         "Benchmarks": [\(benchmarks.joined(separator: ",\n"))]}
        """
    }

    @Test("a MemoryDiagnoser report: the mean in ns with its interval and iterations, each metric column")
    func memoryDiagnoser() throws {
        let output = Self.report(Self.benchmark("Sha256"), Self.benchmark("Md5", mean: "640.5", values: "639, 642"))
        #expect(try readResults(output, expecting: .benchmarkDotNet) == [
            try Measurement(metric: "MyApp.Benchmarks.Hashing.Sha256(N: 1000)/time", value: 1523.7, unit: "ns",
                            samples: [1510.2, 1523.9, 1537.0], lower: 1277.3, upper: 1770.1),
            try Measurement(metric: "MyApp.Benchmarks.Hashing.Sha256(N: 1000)/Gen0", value: 0.0095),
            try Measurement(metric: "MyApp.Benchmarks.Hashing.Sha256(N: 1000)/Allocated", value: 112, unit: "B"),
            try Measurement(metric: "MyApp.Benchmarks.Hashing.Md5(N: 1000)/time", value: 640.5, unit: "ns",
                            samples: [639, 642], lower: 1277.3, upper: 1770.1),
            try Measurement(metric: "MyApp.Benchmarks.Hashing.Md5(N: 1000)/Gen0", value: 0.0095),
            try Measurement(metric: "MyApp.Benchmarks.Hashing.Md5(N: 1000)/Allocated", value: 112, unit: "B"),
        ])
    }

    @Test("two runtimes of one benchmark keep their job; a failed benchmark is skipped; an old report's Memory object")
    func jobs() throws {
        let failed = #"{"DisplayInfo": "Hashing.Broken: DefaultJob", "FullName": "MyApp.Benchmarks.Hashing.Broken", "Statistics": null, "Metrics": []}"#
        let output = Self.report(Self.benchmark("Sha256", job: ".NET 6.0(Runtime=.NET 6.0)", metrics: "[]"),
                                 Self.benchmark("Sha256", job: ".NET 8.0(Runtime=.NET 8.0)", mean: "1401", metrics: "null"), failed)
        let measurements = try readResults(output, expecting: .benchmarkDotNet)
        #expect(measurements.map(\.metric) == [
            "MyApp.Benchmarks.Hashing.Sha256(N: 1000) [.NET 6.0(Runtime=.NET 6.0)]/time",
            "MyApp.Benchmarks.Hashing.Sha256(N: 1000) [.NET 8.0(Runtime=.NET 8.0)]/time",
            "MyApp.Benchmarks.Hashing.Sha256(N: 1000) [.NET 8.0(Runtime=.NET 8.0)]/Allocated",
        ])
        #expect(measurements.map(\.value) == [1523.7, 1401, 112])
    }

    @Test("a cut report and a mean that is not a number are errors naming the key")
    func broken() {
        let output = Self.report(Self.benchmark("Sha256"))
        #expect(resultError(String(output.prefix(900)), as: .benchmarkDotNet)?.hasPrefix("BenchmarkDotNet JSON: not JSON: ") == true)
        #expect(resultError(Self.report(Self.benchmark("Sha256", mean: "\"fast\"")), as: nil)
            == "BenchmarkDotNet JSON: Benchmarks[0].Statistics.Mean must be a number")
        #expect(resultError(Self.report(Self.benchmark("Sha256", values: "1, \"x\"")), as: nil)
            == "BenchmarkDotNet JSON: Benchmarks[0].Statistics.OriginalValues must be a number")
    }
}
