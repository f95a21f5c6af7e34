import Foundation
import Testing
import TestSupport
@testable import TablejohnKit

@Suite("Configuration")
struct ConfigurationTests {
    @Test("an empty file gives every default")
    func defaults() throws {
        let configuration = try TablejohnConfiguration.parse("", file: "t.toml")
        #expect(configuration == TablejohnConfiguration())
        #expect(configuration.web.address.description == "127.0.0.1:8221")
        #expect(configuration.repo.fetchInterval == .seconds(60))
        #expect(configuration.repo.refspecs == ["+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"])
        #expect(configuration.bench.method == .internalStatistics)
        #expect(configuration.bench.timeout == .seconds(3600))
        #expect(configuration.web.isPublic)
        // A command alone implies the command method.
        #expect(try TablejohnConfiguration.parse("[bench]\ncommand = \"./bench.sh\"\n", file: "t.toml").bench.method == .command("./bench.sh"))
    }

    @Test("reads every key it knows")
    func full() throws {
        let configuration = try TablejohnConfiguration.parse("""
            [web]
            address = "[::1]:9000"
            public = false

            [repo]
            path = "/srv/project.git"
            url = "https://example.com/project.git"
            fetch-interval = "5m"
            refspecs = ["+refs/heads/main:refs/heads/main"]

            [bench]
            method = "command"
            command = "make bench"
            timeout = "20m"
            """, file: "t.toml")
        #expect(configuration.bench == {
            var bench = TablejohnConfiguration.Bench()
            bench.method = .command("make bench")
            bench.timeout = .seconds(1200)
            return bench
        }())
        #expect(configuration.web.address == SocketAddressSetting(host: "::1", port: 9000))
        #expect(configuration.web.isPublic == false)
        #expect(configuration.repo.path == "/srv/project.git")
        #expect(configuration.repo.url == "https://example.com/project.git")
        #expect(configuration.repo.fetchInterval == .seconds(300))
        #expect(configuration.repo.refspecs == ["+refs/heads/main:refs/heads/main"])
    }

    @Test("reads the runner's section, several servers with weights, and the bench repository")
    func runnerAndBenchRepo() throws {
        let configuration = try TablejohnConfiguration.parse("""
            [web]
            runner-token = "0123456789abcdef0123"
            runner-timeout = "90s"

            [bench]
            method = "bench-repo"
            repo = "/srv/benchmarks.git"
            entry = "scripts/run.sh"
            format = "go"

            [runner]
            name = "box-1"
            work-dir = "/var/tmp/tj"
            ping-interval = "500ms"

            [[runner.server]]
            url = "http://a.example:8221"
            token = "aaa"

            [[runner.server]]
            url = "https://b.example"
            token = "bbb"
            weight = 2.5
            """, file: "t.toml")
        #expect(configuration.web.runnerToken == "0123456789abcdef0123")
        #expect(configuration.web.runnerTimeout == .seconds(90))
        #expect(configuration.bench.method == .benchRepo(path: "/srv/benchmarks.git", entry: "scripts/run.sh"))
        #expect(configuration.bench.format == .goBench)
        #expect(configuration.runner.name == "box-1")
        #expect(configuration.runner.workDirectory == "/var/tmp/tj")
        #expect(configuration.runner.pingInterval == .milliseconds(500))
        #expect(configuration.runner.servers == [.init(url: "http://a.example:8221", token: "aaa"),
                                                 .init(url: "https://b.example", token: "bbb", weight: 2.5)])
    }

    @Test("[runner] min-free reads paths and the work directory with binary sizes; a single string is one entry")
    func minFree() throws {
        let configuration = try TablejohnConfiguration.parse("[runner]\nmin-free = [\"/tmp>5G\", \"work-dir>2G\"]\n", file: "t.toml")
        #expect(configuration.runner.minFree == [DiskThreshold(place: .path("/tmp"), minimum: 5 << 30),
                                                 DiskThreshold(place: .workDirectory, minimum: 2 << 30)])
        #expect(try TablejohnConfiguration.parse("[runner]\nmin-free = \"/data>1T\"\n", file: "t.toml").runner.minFree
            == [DiskThreshold(place: .path("/data"), minimum: 1 << 40)])
        #expect(try TablejohnConfiguration.parse("", file: "t.toml").runner.minFree.isEmpty)
    }

    @Test("reads change detection and webhooks")
    func detectAndHooks() throws {
        let configuration = try TablejohnConfiguration.parse("""
            [detect]
            enabled = false
            interval = "2s"
            window = 500
            priority = 50

            [hooks]
            webhook = ["http://127.0.0.1:9000/hook", "https://ci.example.com/h"]
            """, file: "t.toml")
        #expect(configuration.detect.enabled == false)
        #expect(configuration.detect.interval == .seconds(2))
        #expect(configuration.detect.window == 500)
        #expect(configuration.detect.priority == 50)
        #expect(configuration.hooks.webhooks == ["http://127.0.0.1:9000/hook", "https://ci.example.com/h"])
        let single = try TablejohnConfiguration.parse("[hooks]\nwebhook = \"http://h/x\"\n", file: "t.toml")
        #expect(single.hooks.webhooks == ["http://h/x"])
        #expect(TablejohnConfiguration().detect.enabled)
    }

    @Test("durations accept seconds and units")
    func durations() throws {
        for (text, expected) in [("30", Duration.seconds(30)), ("\"90s\"", .seconds(90)), ("\"500ms\"", .milliseconds(500)), ("\"2h\"", .seconds(7200))] {
            let configuration = try TablejohnConfiguration.parse("[repo]\nfetch-interval = \(text)\n", file: "t.toml")
            #expect(configuration.repo.fetchInterval == expected)
        }
    }

    @Test("errors name the file, the line and the key", arguments: [
        ("[repo]\nfetch-intervall = 5\n", "my.toml:2: [repo] fetch-intervall: unknown key"),
        ("[repo]\n\nfetch-interval = true\n", "my.toml:3: [repo] fetch-interval: expected a positive duration such as 60 (seconds) or \"5m\", found a boolean"),
        ("[repo]\nfetch-interval = \"soon\"\n", "my.toml:2: [repo] fetch-interval: expected a positive duration such as 60 (seconds) or \"5m\", found \"soon\""),
        ("[web]\naddress = \"localhost\"\n", "my.toml:2: [web] address: expected HOST:PORT, such as \"127.0.0.1:8221\""),
        ("[repo]\nrefspecs = [1]\n", "my.toml:2: [repo] refspecs: expected an array of strings, found an integer in it"),
        ("[wbe]\naddress = \"x\"\n", "my.toml:1: wbe: unknown section"),
        ("web = 3\n", "my.toml:1: web: expected a table ([web]), found an integer"),
        ("[repo\n", "my.toml:1: Error while parsing table header: expected ']', saw '\\n'"),
        ("[bench]\nmethod = \"comand\"\n", "my.toml:2: [bench] method: expected \"internal\", \"command\" or \"bench-repo\", found \"comand\""),
        ("[bench]\nmethod = \"command\"\n", "my.toml: [bench] command: method \"command\" needs a command to run, such as \"make bench\""),
        ("[bench]\nmethod = \"internal\"\ncommand = \"x\"\n", "my.toml:3: [bench] command: is only used with method = \"command\""),
        ("[bench]\nmethod = \"bench-repo\"\n", "my.toml:2: [bench] repo: method \"bench-repo\" needs repo = \"/path/to/the/bench/repository\""),
        ("[bench]\nmethod = \"bench-repo\"\nrepo = \"/b\"\nentry = \"../x.sh\"\n", "my.toml:4: [bench] entry: must be a path inside the bench repository, such as \"run.sh\""),
        ("[bench]\nentry = \"x.sh\"\n", "my.toml:2: [bench] entry: is only used with method = \"bench-repo\""),
        ("[bench]\nformat = \"junit\"\n", "my.toml:2: [bench] format: expected one of tablejohn, package-benchmark, go, google-benchmark, hyperfine, pytest-benchmark, libtest, jmh, criterion, catch2, benchmarkdotnet, pyperf, asv, vitest, divan, found \"junit\""),
        ("[web]\n\npublic = \"no\"\n", "my.toml:3: [web] public: expected true or false, found a string"),
        ("[web]\nrunner-token = \"short\"\n", "my.toml:2: [web] runner-token: must be at least 16 characters; tjctl runner add NAME issues per-runner tokens"),
        ("[repo]\nhook-secret = \"short\"\n", "my.toml:2: [repo] hook-secret: must be at least 16 characters, such as the output of `openssl rand -hex 32`"),
        ("[runner]\nname = \"has space\"\n", "my.toml:2: [runner] name: use letters, digits, '.', '_' and '-' (at most 64)"),
        ("[[runner.server]]\ntoken = \"t\"\n", "my.toml:1: [runner.server] url: each [[runner.server]] needs url = \"http://host:port\""),
        ("[[runner.server]]\nurl = \"http://a:1\"\ntoken = \"t\"\nweight = 0\n", "my.toml:4: [runner.server] weight: must be a positive number"),
        ("[[runner.server]]\nurl = \"http://a:1\"\ntoken = \"t\"\nwieght = 2\n", "my.toml:4: [runner.server] wieght: unknown key"),
        ("[runner]\nmin-free = [\"/tmp>5G\", \"tmp>2G\"]\n", "my.toml:2: [runner] min-free: \"tmp>2G\": the path must be absolute or the word work-dir"),
        ("[runner]\n\nmin-free = [\"/tmp>5 gigs\"]\n", "my.toml:3: [runner] min-free: \"/tmp>5 gigs\": the size must be positive, such as \"5G\", \"512M\" or a number of bytes"),
        ("[runner]\nmin-free = 5\n", "my.toml:2: [runner] min-free: expected an array of strings, found an integer"),
        ("[detect]\nenabled = \"yes\"\n", "my.toml:2: [detect] enabled: expected true or false, found a string"),
        ("[detect]\nwindow = 2.5\n", "my.toml:2: [detect] window: expected a whole number of commits from 10 to 1000000"),
        ("[hooks]\nwebhook = \"ftp://x\"\n", "my.toml:2: [hooks] webhook: expected http:// or https:// URLs, found \"ftp://x\""),
    ])
    func errors(text: String, message: String) {
        let error = #expect(throws: ConfigurationError.self) { try TablejohnConfiguration.parse(text, file: "my.toml") }
        #expect(error?.description == message)
    }

    @Test("[repo] hook-secret of 16 characters or more turns the push hook on; without it the hook is off")
    func hookSecret() throws {
        let on = try TablejohnConfiguration.parse("[repo]\nhook-secret = \"0123456789abcdef\"\n", file: "my.toml")
        #expect(on.repo.hookSecret == HookSecret("0123456789abcdef"))
        #expect(try TablejohnConfiguration.parse("", file: "my.toml").repo.hookSecret == nil)
        #expect(HookSecret("0123456789abcde") == nil)
    }

    @Test("a missing file is an error naming it")
    func missingFile() {
        let error = #expect(throws: ConfigurationError.self) { try TablejohnConfiguration.load(path: "/nonexistent/t.toml") }
        #expect(error?.description == "/nonexistent/t.toml: cannot read the file")
    }

    @Test("addresses parse in their usual forms", arguments: [
        ("127.0.0.1:8221", "127.0.0.1", 8221), (":80", "0.0.0.0", 80), ("[::1]:9000", "::1", 9000),
    ])
    func addresses(text: String, host: String, port: Int) {
        #expect(SocketAddressSetting(parsing: text) == SocketAddressSetting(host: host, port: port))
    }
}

@Suite("Example configuration")
struct ExampleConfigurationTests {
    @Test("contrib/tablejohn.example.toml is valid and says what the README says")
    func exampleIsValid() throws {
        let path = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("contrib/tablejohn.example.toml").path
        let configuration = try TablejohnConfiguration.load(path: path)
        #expect(configuration.repo.url == "https://example.com/project.git")
        #expect(configuration.repo.fetchInterval == .seconds(60))
        #expect(configuration.web.isPublic)
    }
}
