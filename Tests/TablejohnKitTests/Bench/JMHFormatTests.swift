import Testing
@testable import TablejohnKit

@Suite("JMH JSON")
struct JMHFormatTests {
    @Test("average time with params and forks: score, confidence interval, every iteration as a sample")
    func averageTime() throws {
        let output = """
            [
                {
                    "jmhVersion" : "1.37",
                    "benchmark" : "org.example.SortBench.quickSort",
                    "mode" : "avgt",
                    "threads" : 1,
                    "forks" : 2,
                    "jvm" : "/usr/lib/jvm/java-17-openjdk-amd64/bin/java",
                    "jvmArgs" : [],
                    "jdkVersion" : "17.0.15",
                    "warmupIterations" : 3,
                    "warmupTime" : "1 s",
                    "measurementIterations" : 3,
                    "measurementTime" : "1 s",
                    "params" : { "size" : "1000" },
                    "primaryMetric" : {
                        "score" : 41.25,
                        "scoreError" : 1.5,
                        "scoreConfidence" : [ 39.75, 42.75 ],
                        "scorePercentiles" : { "0.0" : 40.0, "50.0" : 41.25, "100.0" : 42.5 },
                        "scoreUnit" : "us/op",
                        "rawData" : [ [ 40.0, 41.0, 42.5 ], [ 41.5, 40.5, 42.0 ] ]
                    },
                    "secondaryMetrics" : {
                        "·gc.alloc.rate" : { "score" : 812.5, "scoreError" : 10.0, "scoreConfidence" : [ 802.5, 822.5 ],
                                             "scoreUnit" : "MB/sec", "rawData" : [ [ 810.0, 815.0 ] ] }
                    }
                }
            ]
            """
        #expect(try readResults(output, expecting: .jmh) == [
            try Measurement(metric: "org.example.SortBench.quickSort(size=1000)/avgt", value: 41.25, unit: "us/op",
                        samples: [40.0, 41.0, 42.5, 41.5, 40.5, 42.0], lower: 39.75, upper: 42.75),
            try Measurement(metric: "org.example.SortBench.quickSort(size=1000)/·gc.alloc.rate", value: 812.5, unit: "MB/sec",
                        samples: [810.0, 815.0], lower: 802.5, upper: 822.5),
        ])
    }

    @Test("throughput of two benchmarks without params")
    func throughput() throws {
        let output = """
            [{"jmhVersion": "1.37", "benchmark": "org.example.Hash.sha256", "mode": "thrpt", "threads": 1, "forks": 1,
              "primaryMetric": {"score": 1523000.5, "scoreError": 20000.0, "scoreConfidence": [1503000.5, 1543000.5],
                                "scoreUnit": "ops/s", "rawData": [[1520000.0, 1526001.0]]}, "secondaryMetrics": {}},
             {"jmhVersion": "1.37", "benchmark": "org.example.Hash.md5", "mode": "thrpt", "threads": 1, "forks": 1,
              "primaryMetric": {"score": 3100000.0, "scoreError": "NaN", "scoreConfidence": ["NaN", "NaN"],
                                "scoreUnit": "ops/s", "rawData": [[3100000.0]]}, "secondaryMetrics": {}}]
            """
        #expect(try readResults(output, expecting: .jmh) == [
            try Measurement(metric: "org.example.Hash.sha256/thrpt", value: 1_523_000.5, unit: "ops/s", samples: [1_520_000, 1_526_001],
                        lower: 1_503_000.5, upper: 1_543_000.5),
            try Measurement(metric: "org.example.Hash.md5/thrpt", value: 3_100_000, unit: "ops/s"),
        ])
    }

    @Test("a run without a score, or a cut file, is an error")
    func broken() {
        #expect(resultError(#"[{"benchmark": "a.B.c", "mode": "avgt", "primaryMetric": {"scoreUnit": "ns/op"}}]"#, as: nil)
            == "JMH JSON: [0].primaryMetric.score must be a number")
        #expect(resultError(#"[{"benchmark": "a.B.c", "primaryMetric": {"score": 1}}]"#, as: nil) == "JMH JSON: [0] needs \"benchmark\" and \"mode\" strings")
        #expect(resultError(#"[{"benchmark": "a.B.c", "mode": "avgt", "primaryMetric": {"score": 1"#, as: .jmh)
            == "JMH JSON: not JSON: '}' expected near end of file (line 1, column 68)")
    }
}
