// Durations too large for the milliseconds the daemon and runner compute from them.
import Testing
@testable import TablejohnKit

@Suite("Configuration durations out of range")
struct DurationLimitTests {
    @Test("a duration past Int64 milliseconds or past 100 years is refused with its key, not a crash", arguments: [
        ("[bench]\ntimeout = \"1e300s\"\n", "t.toml:2: [bench] timeout: expected a positive duration such as 60 (seconds) or \"5m\", found \"1e300s\""),
        ("[bench]\ntimeout = \"9.3e15s\"\n", "t.toml:2: [bench] timeout: expected a positive duration such as 60 (seconds) or \"5m\", found \"9.3e15s\""),
        ("[web]\nrunner-timeout = 9223372036854775807\n", "t.toml:2: [web] runner-timeout: must be at most 100 years"),
        ("[repo]\nfetch-interval = \"1000000h\"\n", "t.toml:2: [repo] fetch-interval: must be at most 100 years"),
        ("[runner]\nping-interval = \"4e12ms\"\n", "t.toml:2: [runner] ping-interval: must be at most 100 years"),
        ("[detect]\ninterval = \"-1e300s\"\n", "t.toml:2: [detect] interval: expected a positive duration such as 60 (seconds) or \"5m\", found \"-1e300s\""),
    ])
    func refused(text: String, message: String) {
        let error = #expect(throws: ConfigurationError.self) { try TablejohnConfiguration.parse(text, file: "t.toml") }
        #expect(error?.description == message)
    }

    @Test("100 years is accepted, and its milliseconds are exact")
    func longest() throws {
        let configuration = try TablejohnConfiguration.parse("[bench]\ntimeout = \"876000h\"\n", file: "t.toml")
        #expect(configuration.bench.timeout.milliseconds == 3_153_600_000_000)
    }
}
