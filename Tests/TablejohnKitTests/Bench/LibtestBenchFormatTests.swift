import Testing
@testable import TablejohnKit

@Suite("Rust libtest bench")
struct LibtestBenchFormatTests {
    @Test("cargo bench on the built-in harness: thousands separators, deviations as bounds, throughput")
    func cargoBench() throws {
        let output = """
               Compiling fib v0.1.0 (/work/fib)
                Finished `bench` profile [optimized] target(s) in 2.31s
                 Running unittests src/lib.rs (target/release/deps/fib-3c1f7d2a9b0e4f55)

            running 3 tests
            test tests::bench_fib_10   ... bench:         312 ns/iter (+/- 9)
            test tests::bench_fib_20   ... bench:      38,407 ns/iter (+/- 1,211)
            test tests::bench_checksum ... bench:       1,024 ns/iter (+/- 16) = 4000 MB/s

            test result: ok. 0 passed; 0 failed; 0 ignored; 0 measured; 3 filtered out; finished in 4.52s
            """
        #expect(try readResults(output, expecting: .libtest) == [
            try Measurement(metric: "tests::bench_fib_10/ns_per_iter", value: 312, unit: "ns", lower: 303, upper: 321),
            try Measurement(metric: "tests::bench_fib_20/ns_per_iter", value: 38407, unit: "ns", lower: 37196, upper: 39618),
            try Measurement(metric: "tests::bench_checksum/ns_per_iter", value: 1024, unit: "ns", lower: 1008, upper: 1040),
            try Measurement(metric: "tests::bench_checksum/MB_per_s", value: 4000, unit: "MB/s"),
        ])
    }

    @Test("newer toolchains print fractional nanoseconds")
    func fractional() throws {
        let output = "test bench_add ... bench:           1.25 ns/iter (+/- 0.02)\ntest bench_noop ... bench:           0.31 ns/iter (+/- 0.01)\n"
        let measurements = try readResults(output, expecting: .libtest)
        #expect(measurements.map(\.metric) == ["bench_add/ns_per_iter", "bench_noop/ns_per_iter"])
        #expect(measurements.map(\.value) == [1.25, 0.31])
        #expect(abs((measurements[0].lower ?? 0) - 1.23) < 1e-9)
        #expect(abs((measurements[1].upper ?? 0) - 0.32) < 1e-9)
    }

    @Test("a cut or garbled result line is an error naming the line")
    func broken() {
        #expect(resultError("test bench_add ... bench:           1.25 ns/it", as: nil)
            == "Rust libtest bench: line 1: bench_add: expected \"VALUE ns/iter (+/- DEVIATION)\" after \"bench:\"")
        #expect(resultError("running 1 test\ntest bench_add ... bench:    fast ns/iter (+/- 1)\n", as: .libtest)
            == "Rust libtest bench: line 2: bench_add: expected \"VALUE ns/iter (+/- DEVIATION)\" after \"bench:\"")
    }
}
