import Testing
@testable import TablejohnKit

@Suite("go test -bench")
struct GoBenchFormatTests {
    @Test("-benchmem output of one package, with sub-benchmarks and the -v header lines")
    func benchmem() throws {
        let output = """
            goos: linux
            goarch: amd64
            pkg: example.com/textproc
            cpu: AMD EPYC 7B13
            BenchmarkTokenize
            BenchmarkTokenize-2            	  412365	      2894 ns/op	    1024 B/op	      12 allocs/op
            BenchmarkParse/small-2         	 1000000	      1052 ns/op	     512 B/op	       4 allocs/op
            BenchmarkParse/large-2         	    9874	    121450 ns/op	   65536 B/op	     201 allocs/op
            BenchmarkCopy-2                	   50000	     23805 ns/op	 2752.65 MB/s
            PASS
            ok  	example.com/textproc	5.321s
            """
        let measurements = try readResults(output, expecting: .goBench)
        #expect(measurements == [
            try Measurement(metric: "BenchmarkTokenize/ns_per_op", value: 2894, unit: "ns"),
            try Measurement(metric: "BenchmarkTokenize/B_per_op", value: 1024, unit: "B"),
            try Measurement(metric: "BenchmarkTokenize/allocs_per_op", value: 12, unit: "allocs"),
            try Measurement(metric: "BenchmarkParse/small/ns_per_op", value: 1052, unit: "ns"),
            try Measurement(metric: "BenchmarkParse/small/B_per_op", value: 512, unit: "B"),
            try Measurement(metric: "BenchmarkParse/small/allocs_per_op", value: 4, unit: "allocs"),
            try Measurement(metric: "BenchmarkParse/large/ns_per_op", value: 121_450, unit: "ns"),
            try Measurement(metric: "BenchmarkParse/large/B_per_op", value: 65536, unit: "B"),
            try Measurement(metric: "BenchmarkParse/large/allocs_per_op", value: 201, unit: "allocs"),
            try Measurement(metric: "BenchmarkCopy/ns_per_op", value: 23805, unit: "ns"),
            try Measurement(metric: "BenchmarkCopy/MB_per_s", value: 2752.65, unit: "MB/s"),
        ])
    }

    @Test("-count 3 over two packages: repeats are samples, names carry the package, custom metrics kept")
    func countAndPackages() throws {
        let output = """
            goos: linux
            goarch: amd64
            pkg: example.com/fib
            BenchmarkFib10-8   	 4106212	       292.1 ns/op
            BenchmarkFib10-8   	 4077544	       294.3 ns/op
            BenchmarkFib10-8   	 4092817	       290.5 ns/op
            PASS
            ok  	example.com/fib	4.011s
            pkg: example.com/cache
            BenchmarkHit-8     	20000000	        61.5 ns/op	         0.9800 hit-ratio
            BenchmarkHit-8     	20000000	        62.5 ns/op	         0.9700 hit-ratio
            BenchmarkHit-8     	20000000	        60.5 ns/op	         0.9900 hit-ratio
            PASS
            ok  	example.com/cache	3.902s
            """
        let measurements = try readResults(output, expecting: .goBench)
        #expect(measurements.map(\.metric) == ["example.com/fib/BenchmarkFib10/ns_per_op", "example.com/cache/BenchmarkHit/ns_per_op",
                                              "example.com/cache/BenchmarkHit/hit-ratio"])
        #expect(measurements[0].samples == [292.1, 294.3, 290.5])
        #expect(abs(measurements[0].value - 292.3) < 1e-9)
        #expect(measurements[0].lower == 290.5)
        #expect(measurements[0].upper == 294.3)
        #expect(measurements[0].unit == "ns")
        #expect(measurements[1].value == 61.5)
        #expect(measurements[2].samples == [0.98, 0.97, 0.99])
        #expect(measurements[2].unit == "hit-ratio")
    }

    @Test("a line cut short or holding garbage is an error naming the line")
    func broken() {
        let truncated = "pkg: example.com/fib\nBenchmarkFib10-8   \t 4106212\t       292.1 ns/op\nBenchmarkFib20-8   \t   31054\n"
        #expect(resultError(truncated, as: nil) == "go test -bench: line 3: BenchmarkFib20 has no complete value/unit pairs after its 31054 iterations")
        let corrupted = "BenchmarkFib10-8   \t 4106212\t       29x.1 ns/op\n"
        #expect(resultError(corrupted, as: .goBench) == "go test -bench: line 1: BenchmarkFib10: \"29x.1\" is not a number")
        #expect(resultError("PASS\nok  \texample.com/fib\t0.002s\n", as: .goBench) == "go test -bench: no measurements found")
    }
}
