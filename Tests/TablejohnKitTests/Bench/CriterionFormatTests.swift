import Testing
@testable import TablejohnKit

@Suite("Criterion")
struct CriterionFormatTests {
    @Test("the cargo bench report: times in ns whatever unit was printed, names on their own line too, throughput")
    func report() throws {
        let output = """
                Finished `bench` profile [optimized] target(s) in 0.12s
                 Running benches/fib.rs (target/release/deps/fib-9a1c2e7d3b4f5a6b)
            Gnuplot not found, using plotters backend
            fib 20                  time:   [26.029 µs 26.251 µs 26.505 µs]
                                    change: [-2.0434% -0.5725% +0.9398%] (p = 0.46 > 0.05)
                                    No change in performance detected.
            Found 11 outliers among 100 measurements (11.00%)
              6 (6.00%) high mild
              5 (5.00%) high severe
            Fibonacci/Iterative/200
                                    time:   [412.50 ns 415.25 ns 418.00 ns]
                                    thrpt:  [478.47 Melem/s 481.64 Melem/s 484.85 Melem/s]
            parse config            time:   [1.2500 ms 1.2750 ms 1.3000 ms]
            """
        let measurements = try readResults(output, expecting: .criterion)
        #expect(measurements.map(\.metric) == ["fib 20/time", "Fibonacci/Iterative/200/time", "Fibonacci/Iterative/200/thrpt",
                                              "parse config/time"])
        #expect(try measurements[0] == Measurement(metric: "fib 20/time", value: 26251, unit: "ns", lower: 26029, upper: 26505))
        #expect(try measurements[1] == Measurement(metric: "Fibonacci/Iterative/200/time", value: 415.25, unit: "ns", lower: 412.5, upper: 418))
        #expect(try measurements[2] == Measurement(metric: "Fibonacci/Iterative/200/thrpt", value: 481.64, unit: "Melem/s", lower: 478.47, upper: 484.85))
        #expect(try measurements[3] == Measurement(metric: "parse config/time", value: 1_275_000, unit: "ns", lower: 1_250_000, upper: 1_300_000))
    }

    @Test("estimates.json: each estimate in ns with its confidence interval")
    func estimates() throws {
        let output = """
            {"mean":{"confidence_interval":{"confidence_level":0.95,"lower_bound":26029.5,"upper_bound":26505.25},"point_estimate":26251.0,"standard_error":121.5},
             "median":{"confidence_interval":{"confidence_level":0.95,"lower_bound":26000.0,"upper_bound":26300.0},"point_estimate":26150.0,"standard_error":80.0},
             "median_abs_dev":{"confidence_interval":{"confidence_level":0.95,"lower_bound":300.0,"upper_bound":500.0},"point_estimate":400.0,"standard_error":50.0},
             "slope":null,
             "std_dev":{"confidence_interval":{"confidence_level":0.95,"lower_bound":900.0,"upper_bound":1500.0},"point_estimate":1200.0,"standard_error":150.0}}
            """
        #expect(try readResults(output, expecting: .criterion) == [
            try Measurement(metric: "criterion/mean", value: 26251, unit: "ns", lower: 26029.5, upper: 26505.25),
            try Measurement(metric: "criterion/median", value: 26150, unit: "ns", lower: 26000, upper: 26300),
            try Measurement(metric: "criterion/median_abs_dev", value: 400, unit: "ns", lower: 300, upper: 500),
            try Measurement(metric: "criterion/std_dev", value: 1200, unit: "ns", lower: 900, upper: 1500),
        ])
    }

    @Test("a cut report line or an unknown unit is an error naming the line")
    func broken() {
        #expect(resultError("fib 20                  time:   [26.029 µs 26.251 µs", as: nil)
            == "Criterion: line 1: expected \"time: [LOW UNIT ESTIMATE UNIT HIGH UNIT]\"")
        #expect(resultError("x\nfib 20   time:   [26.029 fortnights 26.251 µs 26.505 µs]\n", as: nil)
            == "Criterion: line 2: fib 20: unknown time unit \"fortnights\"")
        #expect(resultError(#"{"mean":{"point_estimate":"fast"}}"#, as: .criterion) == "Criterion: mean.point_estimate must be a number")
    }
}
