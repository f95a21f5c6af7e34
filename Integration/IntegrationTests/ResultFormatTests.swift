import Foundation
@testable import TablejohnKit
import Testing
import TestSupport

@Suite("Result formats end to end", .serialized)
struct ResultFormatTests {
    @Test("a bench script that prints go test -bench output and writes no results file gets its measurements stored")
    func goBenchOnStdout() async throws {
        let repo = try TestRepository()
        try """
            #!/bin/sh
            cat <<'OUT'
            goos: linux
            goarch: amd64
            pkg: example.com/fib
            BenchmarkFib10-2   	 4106212	       292.0 ns/op	       0 B/op	       0 allocs/op
            BenchmarkFib10-2   	 4077544	       294.5 ns/op	       0 B/op	       0 allocs/op
            BenchmarkFib20/memo-2 	  951227	      1262 ns/op	     336 B/op	       3 allocs/op
            PASS
            ok  	example.com/fib	3.114s
            OUT
            """.write(toFile: repo.path + "/gobench.sh", atomically: true, encoding: .utf8)
        try repo.git(["add", "gobench.sh"])
        try repo.git(["commit", "-q", "-m", "bench script"])
        let config = try TemporaryFolder.make(prefix: "tj-config") + "/tablejohn.toml"
        try "[bench]\ncommand = \"sh gobench.sh\"\ninitial-backfill = 0\n\n[runner]\nping-interval = \"200ms\"\n".write(toFile: config, atomically: true, encoding: .utf8)

        let server = try DaemonProcess(serve: ["--config", config, "--local-runner"], in: repo.path)
        try await server.waitUntilServing()
        #expect(try runTjctl(["queue", "add", "HEAD"], in: repo.path).status == 0)
        let run = try await waitForRuns(1, in: repo.path, logs: server.log)[0]
        #expect(run["exit_code"] == 0, "\(server.log)")
        let measurements = try #require(run["measurements"]?.objectValue)
        #expect(measurements.entries.map(\.key).sorted() == [
            "BenchmarkFib10/B_per_op", "BenchmarkFib10/allocs_per_op", "BenchmarkFib10/ns_per_op",
            "BenchmarkFib20/memo/B_per_op", "BenchmarkFib20/memo/allocs_per_op", "BenchmarkFib20/memo/ns_per_op",
        ])
        #expect(measurements["BenchmarkFib10/ns_per_op"]?["value"] == .real(293.25))
        #expect(measurements["BenchmarkFib10/ns_per_op"]?["unit"] == "ns")
        #expect(measurements["BenchmarkFib10/ns_per_op"]?["samples"] == [.real(292), .real(294.5)])
        #expect(measurements["BenchmarkFib20/memo/B_per_op"]?["value"] == .real(336))
        #expect(run["output"]?.arrayValue?.contains(["internal", "tablejohn: 6 measurements read from stdout as go test -bench"]) == true)
        _ = try await server.stop()
    }
}
