import Testing
@testable import TablejohnKit

/// One name per bench method: recorded as `bench-repo`, sent as `bench_repo`, read either way.
@Suite("Bench method names")
struct BenchMethodKindTests {
    @Test("each method has its recorded name and its wire spelling; a reply's type is read in either")
    func names() {
        #expect(BenchMethodKind.allCases.map(\.recordedName) == ["internal", "command", "bench-repo"])
        #expect(BenchMethodKind.allCases.map(\.wireType) == ["internal", "command", "bench_repo"])
        #expect(BenchMethodKind(wireType: "bench_repo") == .benchRepo)
        #expect(BenchMethodKind(wireType: "bench-repo") == .benchRepo)
        #expect(BenchMethodKind(recordedName: "bench-repo") == .benchRepo)
        // The configuration takes the recorded name only.
        #expect(BenchMethodKind(recordedName: "bench_repo") == nil)
        #expect(BenchMethodKind(wireType: "Internal") == nil)
        #expect(BenchMethodKind.recordedNamesText == #""internal", "command" or "bench-repo""#)
    }

    @Test("the configuration, the runner's order and the runs agree on the name")
    func oneName() throws {
        let configuration = try TablejohnConfiguration.parse("[bench]\nmethod = \"bench-repo\"\nrepo = \"/srv/b.git\"\n", file: "t.toml")
        #expect(configuration.bench.method.name == "bench-repo")
        #expect(RunOrder.Method.benchRepo(hash: String(repeating: "c", count: 40), entry: "bench.sh").name == "bench-repo")
        #expect(RunOrder.Method.benchRepo(hash: String(repeating: "c", count: 40), entry: "bench.sh").json["type"] == "bench_repo")
        #expect(throws: (any Error).self) { try TablejohnConfiguration.parse("[bench]\nmethod = \"bench_repo\"\nrepo = \"/srv/b.git\"\n", file: "t.toml") }
    }
}
