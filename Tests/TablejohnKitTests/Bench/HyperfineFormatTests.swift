import Testing
@testable import TablejohnKit

@Suite("hyperfine JSON")
struct HyperfineFormatTests {
    @Test("two commands: mean in seconds, every run's time as samples, min and max as bounds")
    func twoCommands() throws {
        let output = """
            {
              "results": [
                {
                  "command": "gzip -9 -k -f data.bin",
                  "mean": 0.4154,
                  "stddev": 0.0052,
                  "median": 0.4149,
                  "user": 0.3981,
                  "system": 0.0162,
                  "min": 0.4093,
                  "max": 0.4226,
                  "times": [0.4093, 0.4149, 0.4226, 0.4148],
                  "exit_codes": [0, 0, 0, 0]
                },
                {
                  "command": "zstd -19 -f data.bin",
                  "mean": 1.2031,
                  "stddev": 0.0211,
                  "median": 1.2007,
                  "user": 1.1725,
                  "system": 0.0288,
                  "min": 1.1819,
                  "max": 1.2291,
                  "times": [1.1819, 1.2007, 1.2291, 1.2007],
                  "exit_codes": [0, 0, 0, 0]
                }
              ]
            }
            """
        #expect(try readResults(output, expecting: .hyperfine) == [
            try Measurement(metric: "gzip -9 -k -f data.bin/time", value: 0.4154, unit: "s", samples: [0.4093, 0.4149, 0.4226, 0.4148],
                        lower: 0.4093, upper: 0.4226),
            try Measurement(metric: "zstd -19 -f data.bin/time", value: 1.2031, unit: "s", samples: [1.1819, 1.2007, 1.2291, 1.2007],
                        lower: 1.1819, upper: 1.2291),
        ])
    }

    @Test("a parameter scan names each command with its value")
    func parameterScan() throws {
        let output = """
            {"results": [
              {"command": "sleep 0.1", "mean": 0.1012, "stddev": 0.0004, "median": 0.1011, "user": 0.0008, "system": 0.0011,
               "min": 0.1007, "max": 0.1019, "times": [0.1007, 0.1011, 0.1019], "exit_codes": [0, 0, 0], "parameters": {"delay": "0.1"}},
              {"command": "sleep 0.2", "mean": 0.2013, "stddev": 0.0003, "median": 0.2012, "user": 0.0009, "system": 0.0012,
               "min": 0.2010, "max": 0.2017, "times": [0.2010, 0.2012, 0.2017], "exit_codes": [0, 0, 0], "parameters": {"delay": "0.2"}}
            ]}
            """
        let measurements = try readResults(output, expecting: .hyperfine)
        #expect(measurements.map(\.metric) == ["sleep 0.1/time", "sleep 0.2/time"])
        #expect(measurements.map(\.value) == [0.1012, 0.2013])
    }

    @Test("missing or mistyped keys are errors naming the key")
    func broken() {
        #expect(resultError(#"{"results": [{"command": "ls", "mean": 0.1, "min": 0.09}]}"#, as: nil) == "hyperfine JSON: results[0].max must be a number")
        #expect(resultError(#"{"results": [{"command": "ls", "mean": "fast", "min": 0.09, "max": 0.2}]}"#, as: .hyperfine)
            == "hyperfine JSON: results[0].mean must be a number")
        #expect(resultError(#"{"results": [{"command": "ls", "mean": 0.1, "min": 0.09, "max": 0.2, "times": [0.1, null]}]}"#, as: nil)
            == "hyperfine JSON: results[0].times must be an array of numbers")
        #expect(resultError(#"{"results": [{"command": "ls", "mean": 0.1, "min": 0.09, "max": 0.2, "times": [0.1, 0.0"#, as: .hyperfine)
            == "hyperfine JSON: not JSON: ']' expected near end of file (line 1, column 87)")
    }
}
