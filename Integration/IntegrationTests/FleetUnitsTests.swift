import Foundation
import Testing
import TestSupport
@testable import TablejohnKit

/// The service units, manifests and sample bench scripts in contrib/, checked with the tools that run them.
@Suite("Fleet units and samples in contrib/", .serialized)
struct FleetUnitsTests {
    /// The source tree's contrib/ folder (this file is Integration/IntegrationTests/FleetUnitsTests.swift).
    static let contrib = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("contrib").path

    /// The full path of `tool` on PATH, if it is installed.
    static func which(_ tool: String) -> String? {
        for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let path = "\(folder)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    // MARK: systemd

    @Test("the systemd units pass systemd-analyze verify with no warning", arguments: ["tablejohnd", "tablejohn-runner"])
    func systemdUnit(_ name: String) throws {
        guard let analyze = Self.which("systemd-analyze") else {
            print("SKIPPED: systemd-analyze is not installed (contrib/setup.sh installs systemd); \(name).service not verified")
            return
        }
        let unit = try String(contentsOfFile: "\(Self.contrib)/systemd/\(name).service", encoding: .utf8)
        // Given the unit as shipped, running the binary from /usr/local/bin …
        // (its configuration, which holds tokens, handed over as a credential only the service reads) …
        let file = name == "tablejohnd" ? "tablejohn.toml" : "runner.toml"
        #expect(unit.contains("ExecStart=/usr/local/bin/tablejohnd \(name == "tablejohnd" ? "serve" : "runner") --config %d/\(file)"))
        #expect(unit.contains("LoadCredential=\(file):/etc/tablejohn/\(file)"))
        #expect(unit.contains("DynamicUser=yes"))
        #expect(unit.contains("Restart=on-failure"))
        #expect(unit.contains("NoNewPrivileges=yes"))
        #expect(unit.contains("ProtectSystem=strict"))
        #expect(unit.contains("RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6"))
        // … when verified with ExecStart pointing at the binary just built (verify needs it to exist) …
        let folder = try TemporaryFolder.make(prefix: "tj-systemd")
        let copy = "\(folder)/\(name).service"
        try unit.replacingOccurrences(of: "/usr/local/bin/tablejohnd", with: DaemonProcess.binary.path)
            .write(toFile: copy, atomically: true, encoding: .utf8)
        let result = try runProgram(URL(fileURLWithPath: analyze), ["verify", "--man=no", copy], in: folder)
        // … systemd knows every directive and finds nothing to complain about.
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr == "", "\(result.stderr)")
    }

    @Test("systemd-analyze verify, as used here, does report an unknown directive and a missing binary")
    func systemdVerifyCatchesMistakes() throws {
        guard let analyze = Self.which("systemd-analyze") else {
            print("SKIPPED: systemd-analyze is not installed (contrib/setup.sh installs systemd)")
            return
        }
        let folder = try TemporaryFolder.make(prefix: "tj-systemd")
        try "[Service]\nExecStart=/nonexistent/tablejohnd serve\nProtectSytem=strict\n"
            .write(toFile: folder + "/broken.service", atomically: true, encoding: .utf8)
        let result = try runProgram(URL(fileURLWithPath: analyze), ["verify", "--man=no", folder + "/broken.service"], in: folder)
        #expect(result.status != 0)
        #expect(result.stderr.contains("Unknown key 'ProtectSytem'"))
    }

    // MARK: Kubernetes

    @Test("the Kubernetes manifests validate against the Kubernetes schemas, strictly")
    func kubernetesManifests() throws {
        guard let validate = Self.which("kubernetes-validate") else {
            print("SKIPPED: kubernetes-validate is not installed (contrib/setup.sh installs it with pip)")
            return
        }
        let files = ["server.yaml", "runner.yaml"].map { "\(Self.contrib)/kubernetes/\($0)" }
        let result = try runProgram(URL(fileURLWithPath: validate), ["--strict"] + files, in: Self.contrib)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        for resource in ["configmap/tablejohn-server", "service/tablejohn", "statefulset/tablejohn",
                         "configmap/tablejohn-runner", "deployment/tablejohn-runner"] {
            #expect(result.stdout.contains("passed for resource \(resource)") || result.stderr.contains("passed for resource \(resource)"),
                    "\(resource): \(result.stdout)\(result.stderr)")
        }
        let server = try String(contentsOfFile: files[0], encoding: .utf8)
        #expect(server.contains("volumeClaimTemplates:"))
        let runner = try String(contentsOfFile: files[1], encoding: .utf8)
        // The token comes from a Secret through the environment, never the command line.
        #expect(runner.contains("name: TABLEJOHN_RUNNER_TOKEN"))
        #expect(runner.contains("secretKeyRef:"))
        #expect(!runner.contains("--token"))
    }

    @Test("the validator, as used here, refuses a manifest with a misspelt field")
    func kubernetesValidatorCatchesMistakes() throws {
        guard let validate = Self.which("kubernetes-validate") else {
            print("SKIPPED: kubernetes-validate is not installed (contrib/setup.sh installs it with pip)")
            return
        }
        let folder = try TemporaryFolder.make(prefix: "tj-k8s")
        let manifest = try String(contentsOfFile: "\(Self.contrib)/kubernetes/runner.yaml", encoding: .utf8)
            .replacingOccurrences(of: "  replicas: 2", with: "  replica: 2")
        try manifest.write(toFile: folder + "/broken.yaml", atomically: true, encoding: .utf8)
        let result = try runProgram(URL(fileURLWithPath: validate), ["--strict", folder + "/broken.yaml"], in: folder)
        #expect(result.status != 0)
        #expect((result.stdout + result.stderr).contains("'replica' was unexpected"))
    }

    // MARK: runner token from the environment

    @Test("a runner given --server without --token takes TABLEJOHN_RUNNER_TOKEN and is known to its server")
    func runnerTokenFromEnvironment() async throws {
        let repo = try TestRepository()
        try repo.commit("first")
        let server = try DaemonProcess(serve: [], in: repo.path)
        try await server.waitUntilServing()
        let token = try runTjctl(["runner", "add", "pod-1"], in: repo.path).stdout.trimmingCharacters(in: .newlines)

        let runner = try DaemonProcess(runner: ["--name", "pod-1", "--server", "http://127.0.0.1:\(server.port)"], in: repo.path,
                                       environment: ["TABLEJOHN_RUNNER_TOKEN": token])
        var seen = false
        for _ in 0..<100 where !seen {
            seen = try runTjctl(["runners"], in: repo.path).stdout.contains("idle")
            if !seen { try await Task.sleep(for: .milliseconds(200)) }
        }
        #expect(seen, "server:\n\(server.log)\nrunner:\n\(runner.log)")
        // A 401 as a status, not as digits of the server's port (…:38401).
        #expect(!runner.log.contains(#/\b401\b/#), "\(runner.log)")
        _ = try await runner.stop()
        _ = try await server.stop()
    }

    @Test("a runner given --server with neither --token nor TABLEJOHN_RUNNER_TOKEN says what is missing")
    func runnerWithoutToken() throws {
        let folder = try TemporaryFolder.make(prefix: "tj-runner")
        let result = try runProgram(DaemonProcess.binary, ["runner", "--server", "http://127.0.0.1:1"], in: folder,
                                    environment: ["TABLEJOHN_RUNNER_TOKEN": ""])
        #expect(result.status != 0)
        #expect(result.stderr.contains("give one --token for each --server, or set TABLEJOHN_RUNNER_TOKEN for all of them"))
    }

    // MARK: sample bench scripts

    /// A sample script, the flags it must pass its harness, and what its harness writes, recorded.
    struct Sample: Sendable, CustomStringConvertible {
        var script: String
        var flags: [String]
        var format: ResultFormat
        /// Stand-ins for the harness and its build tools: name and shell body. Each writes
        /// the recorded output where the real tool would.
        var stubs: [(String, String)]
        var description: String { script }
    }

    static let goOutput = """
        goos: linux
        goarch: amd64
        pkg: example.com/textproc
        BenchmarkTokenize-2            	  412365	      2894 ns/op	    1024 B/op	      12 allocs/op
        PASS
        ok  	example.com/textproc	5.321s
        """
    static let libtestOutput = """
        running 1 test
        test tests::bench_fib_10   ... bench:         312 ns/iter (+/- 9)

        test result: ok. 0 passed; 0 failed; 0 ignored; 0 measured; 1 filtered out
        """
    static let pytestOutput = """
        {"machine_info": {}, "commit_info": {}, "benchmarks": [{"group": null, "name": "test_parse", "fullname": "t.py::test_parse",
         "params": null, "param": null, "extra_info": {}, "stats": {"min": 1.2e-05, "max": 3.1e-05, "mean": 1.35e-05, "stddev": 1.9e-06,
         "rounds": 5, "median": 1.33e-05, "iqr": 4e-07, "q1": 1.31e-05, "q3": 1.35e-05, "iqr_outliers": 0, "stddev_outliers": 0,
         "outliers": "0;0", "ld15iqr": 1.25e-05, "hd15iqr": 1.41e-05, "ops": 74074.07, "total": 0.07}}],
         "datetime": "2026-11-20T10:14:03.113562", "version": "4.0.0"}
        """
    static let hyperfineOutput = """
        {"results": [{"command": "./build/app --version", "mean": 0.4154, "stddev": 0.0052, "median": 0.4149, "user": 0.39,
         "system": 0.01, "min": 0.4093, "max": 0.4226, "times": [0.4093, 0.4226], "exit_codes": [0, 0]}]}
        """
    static let googleOutput = """
        {"context": {"date": "2026-11-20T10:12:44+00:00", "host_name": "b", "executable": "./build/benchmarks", "num_cpus": 2,
         "mhz_per_cpu": 2450, "cpu_scaling_enabled": false, "caches": [], "load_avg": [0.5], "library_build_type": "release"},
         "benchmarks": [{"name": "BM_Sort", "family_index": 0, "per_family_instance_index": 0, "run_name": "BM_Sort",
         "run_type": "iteration", "repetitions": 1, "repetition_index": 0, "threads": 1, "iterations": 1000,
         "real_time": 11.08, "cpu_time": 11.07, "time_unit": "ns"}]}
        """

    /// A stub body that writes `output` to the path given as `--flag=PATH` or `--flag PATH`.
    static func writes(_ output: String, to flag: String) -> String {
        """
        out=""; prev=""
        for arg in "$@"; do
          case "$arg" in \(flag)=*) out="${arg#\(flag)=}" ;; esac
          [ "$prev" = "\(flag)" ] && out="$arg"
          prev="$arg"
        done
        [ -n "$out" ] || { echo "stub: no \(flag)" >&2; exit 9; }
        cat > "$out" <<'RECORDED'
        \(output)
        RECORDED
        """
    }

    static let samples: [Sample] = [
        Sample(script: "go-test.sh", flags: ["go test", "-bench", "-benchmem"], format: .goBench,
               stubs: [("go", "cat <<'RECORDED'\n\(goOutput)\nRECORDED")]),
        Sample(script: "cargo-bench.sh", flags: ["cargo bench"], format: .libtest,
               stubs: [("cargo", "echo '   Compiling app v0.1.0' >&2\ncat <<'RECORDED'\n\(libtestOutput)\nRECORDED")]),
        Sample(script: "pytest-benchmark.sh", flags: ["--benchmark-json=\"$TABLEJOHN_RESULTS\""], format: .pytestBenchmark,
               stubs: [("python3", writes(pytestOutput, to: "--benchmark-json"))]),
        Sample(script: "hyperfine.sh", flags: ["hyperfine", "--export-json \"$TABLEJOHN_RESULTS\""], format: .hyperfine,
               stubs: [("make", "true"), ("hyperfine", writes(hyperfineOutput, to: "--export-json"))]),
        Sample(script: "google-benchmark.sh", flags: ["--benchmark_out=\"$TABLEJOHN_RESULTS\"", "--benchmark_out_format=json"],
               format: .googleBenchmark, stubs: [("cmake", "true")]),
    ]

    @Test("each sample bench script is valid shell, names its harness's flags, and leaves in TABLEJOHN_RESULTS what tablejohn reads",
          arguments: samples)
    func benchScript(_ sample: Sample) throws {
        let path = "\(Self.contrib)/bench/\(sample.script)"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(try runProgram(URL(fileURLWithPath: "/bin/sh"), ["-n", path], in: Self.contrib).status == 0)
        for flag in sample.flags { #expect(text.contains(flag), "\(sample.script) should pass \(flag)") }

        // Given stand-ins for the harness on PATH (and a benchmark binary where the script builds one) …
        let work = try TemporaryFolder.make(prefix: "tj-bench-sample")
        let bin = work + "/stub-bin"
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        var stubs = sample.stubs.map { ("\(bin)/\($0.0)", $0.1) }
        if sample.format == .googleBenchmark {
            try FileManager.default.createDirectory(atPath: work + "/build", withIntermediateDirectories: true)
            stubs.append((work + "/build/benchmarks", Self.writes(Self.googleOutput, to: "--benchmark_out")))
        }
        for (file, body) in stubs {
            try "#!/bin/sh\n\(body)\n".write(toFile: file, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: file)
        }
        // … when the runner would run it …
        let results = work + "/results"
        let run = try runProgram(URL(fileURLWithPath: "/bin/sh"), [path], in: work,
                                 environment: ["TABLEJOHN_RESULTS": results, "PATH": "\(bin):/usr/bin:/bin"])
        #expect(run.status == 0, "\(run.stderr)")
        // … the results file holds the harness's output, which tablejohn recognises and reads.
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: results)))
        #expect(ResultReader.detect(bytes) == sample.format)
        let (format, measurements) = try ResultReader.read(bytes)
        #expect(format == sample.format)
        #expect(!measurements.isEmpty)
    }

    @Test("with the real harness installed, the pytest-benchmark and hyperfine samples write what tablejohn reads",
          arguments: [ResultFormat.pytestBenchmark, .hyperfine])
    func benchScriptWithRealHarness(_ format: ResultFormat) throws {
        let work = try TemporaryFolder.make(prefix: "tj-bench-real")
        let script: String
        switch format {
        case .pytestBenchmark:
            let probe = try runProgram(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", "import pytest_benchmark"], in: work)
            guard probe.status == 0 else {
                print("SKIPPED: pytest-benchmark is not installed (contrib/setup.sh installs it with pip)")
                return
            }
            try "def test_sum(benchmark):\n    benchmark(sum, range(100))\n".write(toFile: work + "/test_sample.py", atomically: true, encoding: .utf8)
            script = "pytest-benchmark.sh"
        default:
            guard Self.which("hyperfine") != nil else {
                print("SKIPPED: hyperfine is not installed (contrib/setup.sh installs it)")
                return
            }
            // The sample builds ./build/app with make and times two of its command lines.
            try "build:\n\tmkdir -p build && printf '#!/bin/sh\\ntrue\\n' > build/app && chmod +x build/app\n"
                .write(toFile: work + "/Makefile", atomically: true, encoding: .utf8)
            script = "hyperfine.sh"
        }
        let results = work + "/results"
        let run = try runProgram(URL(fileURLWithPath: "/bin/sh"), ["\(Self.contrib)/bench/\(script)"], in: work,
                                 environment: ["TABLEJOHN_RESULTS": results])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        let (read, measurements) = try ResultReader.read(Array(try Data(contentsOf: URL(fileURLWithPath: results))))
        #expect(read == format)
        #expect(!measurements.isEmpty)
        #expect(measurements.allSatisfy { $0.metric.hasSuffix("/time") && $0.unit == "s" })
    }

    @Test("a sample bench script run outside a runner says TABLEJOHN_RESULTS is missing")
    func benchScriptOutsideRunner() throws {
        let folder = try TemporaryFolder.make(prefix: "tj-bench-sample")
        let run = try runProgram(URL(fileURLWithPath: "/bin/sh"), ["\(Self.contrib)/bench/go-test.sh"], in: folder,
                                 environment: ["TABLEJOHN_RESULTS": ""])
        #expect(run.status != 0)
        #expect(run.stderr.contains("TABLEJOHN_RESULTS"))
    }
}
