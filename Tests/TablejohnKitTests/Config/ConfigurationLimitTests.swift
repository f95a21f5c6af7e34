import Testing
@testable import TablejohnKit

@Suite("Configuration limits")
struct ConfigurationLimitTests {
    @Test("durations and numbers that would overflow are errors naming the file, line and key", arguments: [
        ("[bench]\ntimeout = \"1e300s\"\n",
         "my.toml:2: [bench] timeout: \"1e300s\" is longer than 30 days (2592000 seconds), the most a duration may be"),
        ("[bench]\ntimeout = 9223372036854775807\n",
         "my.toml:2: [bench] timeout: 9223372036854775807 seconds is longer than 30 days (2592000 seconds), the most a duration may be"),
        ("[web]\nrunner-timeout = \"1e20h\"\n",
         "my.toml:2: [web] runner-timeout: \"1e20h\" is longer than 30 days (2592000 seconds), the most a duration may be"),
        ("[runner]\n\nping-interval = 9223372036854775807\n",
         "my.toml:3: [runner] ping-interval: 9223372036854775807 seconds is longer than 30 days (2592000 seconds), the most a duration may be"),
        ("[repo]\nfetch-interval = \"31d\"\n",
         "my.toml:2: [repo] fetch-interval: expected a positive duration such as 60 (seconds) or \"5m\", found \"31d\""),
        ("[detect]\ninterval = \"nan s\"\n",
         "my.toml:2: [detect] interval: expected a positive duration such as 60 (seconds) or \"5m\", found \"nan s\""),
        ("[bench]\ntimeout = \"inf\"\n",
         "my.toml:2: [bench] timeout: expected a positive duration such as 60 (seconds) or \"5m\", found \"inf\""),
        ("[bench]\ntimeout = \"-5m\"\n",
         "my.toml:2: [bench] timeout: expected a positive duration such as 60 (seconds) or \"5m\", found \"-5m\""),
        ("[detect]\npriority = 1e300\n", "my.toml:2: [detect] priority: expected a whole number"),
        ("[detect]\nwindow = nan\n", "my.toml:2: [detect] window: expected a whole number of commits from 10 to 1000000"),
        ("[[runner.server]]\nurl = \"http://a:1\"\ntoken = \"t\"\nweight = 1e308\n", "my.toml:4: [runner.server] weight: must be at most 1000000"),
        ("[web]\nallowed-hosts = [\"bench.example.com:8080\"]\n",
         "my.toml:2: [web] allowed-hosts: \"bench.example.com:8080\" is not a host name or address (no port, no scheme), or \"*\" for any"),
    ])
    func overflowing(text: String, message: String) {
        let error = #expect(throws: ConfigurationError.self) { try TablejohnConfiguration.parse(text, file: "my.toml") }
        #expect(error?.description == message)
    }

    @Test("the longest allowed durations load, and their milliseconds and multiples cannot overflow")
    func longest() throws {
        let configuration = try TablejohnConfiguration.parse("""
            [web]
            runner-timeout = "720h"
            allowed-hosts = ["bench.example.com", "*"]
            [bench]
            timeout = 2592000
            [runner]
            ping-interval = "43200m"
            """, file: "t.toml")
        #expect(configuration.bench.timeout == .seconds(2_592_000))
        #expect(configuration.web.runnerTimeout.milliseconds == 2_592_000_000)
        #expect(configuration.runner.pingInterval.milliseconds == 2_592_000_000)
        #expect((configuration.runner.pingInterval * 10).milliseconds == 25_920_000_000)
        #expect(configuration.web.allowedHosts == ["bench.example.com", "*"])
    }

    @Test("a duration's milliseconds saturate instead of trapping")
    func saturating() {
        #expect(Duration.seconds(Int64.max).milliseconds == .max)
        #expect(Duration.seconds(Int64.min).milliseconds == .min)
        #expect(Duration.milliseconds(1500).milliseconds == 1500)
    }
}

@Suite("Chat alerts configuration")
struct ChatAlertConfigurationTests {
    @Test("slack URLs join the delivery list once; public-url loses its trailing slash")
    func loads() throws {
        let configuration = try TablejohnConfiguration.parse("""
            [web]
            public-url = "https://bench.example.com/tj/"
            [hooks]
            webhook = ["https://hooks.example.com/a", "https://chat.example.com/b"]
            slack = "https://chat.example.com/b"
            """, file: "t.toml")
        #expect(configuration.web.publicURL == "https://bench.example.com/tj")
        #expect(configuration.hooks.slack == ["https://chat.example.com/b"])
        #expect(configuration.hooks.all == ["https://hooks.example.com/a", "https://chat.example.com/b"])
    }

    @Test("a public-url that is not an address for links, or a slack URL that is not http, is an error naming the key", arguments: [
        ("[web]\npublic-url = \"bench.example.com\"\n",
         "my.toml:2: [web] public-url: expected the http:// or https:// address people open the pages at, such as \"https://bench.example.com\"; found \"bench.example.com\""),
        ("[web]\npublic-url = \"https://x.example/a|b\"\n",
         "my.toml:2: [web] public-url: expected the http:// or https:// address people open the pages at, such as \"https://bench.example.com\"; found \"https://x.example/a|b\""),
        ("[web]\npublic-url = \"https://x.example/?q=1\"\n",
         "my.toml:2: [web] public-url: expected the http:// or https:// address people open the pages at, such as \"https://bench.example.com\"; found \"https://x.example/?q=1\""),
        ("[hooks]\nslack = \"ftp://chat.example.com\"\n",
         "my.toml:2: [hooks] slack: expected http:// or https:// URLs, found \"ftp://chat.example.com\""),
    ])
    func refused(text: String, message: String) {
        let error = #expect(throws: ConfigurationError.self) { try TablejohnConfiguration.parse(text, file: "my.toml") }
        #expect(error?.description == message)
    }
}
