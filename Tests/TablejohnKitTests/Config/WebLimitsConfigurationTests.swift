import Testing
@testable import TablejohnKit

@Suite("Configuration: the web server's connection limits")
struct WebLimitsConfigurationTests {
    @Test("idle-timeout and max-connections have defaults and are read")
    func read() throws {
        let defaults = try TablejohnConfiguration.parse("", file: "t.toml").web
        #expect(defaults.idleTimeout == .seconds(30))
        #expect(defaults.maxConnections == 512)
        let web = try TablejohnConfiguration.parse("[web]\nidle-timeout = \"2m\"\nmax-connections = 64\n", file: "t.toml").web
        #expect(web.idleTimeout == .seconds(120))
        #expect(web.maxConnections == 64)
    }

    @Test("out-of-range values are errors naming file, line and key", arguments: [
        ("[web]\nmax-connections = 0\n", "my.toml:2: [web] max-connections: expected a whole number from 1 to 100000"),
        ("[web]\nmax-connections = 1.5\n", "my.toml:2: [web] max-connections: expected a whole number from 1 to 100000"),
        ("[bench]\ninitial-backfill = -1\n", "my.toml:2: [bench] initial-backfill: expected a whole number of commits from 0 to 10000"),
        ("[bench]\ninitial-backfill = 1e300\n", "my.toml:2: [bench] initial-backfill: expected a whole number of commits from 0 to 10000"),
        ("[bench]\ninitial-backfill = \"20\"\n", "my.toml:2: [bench] initial-backfill: expected a number, found a string"),
        ("[web]\nmax-connections = 9223372036854775807\n", "my.toml:2: [web] max-connections: expected a whole number from 1 to 100000"),
        ("[web]\nidle-timeout = -1\n", "my.toml:2: [web] idle-timeout: expected a positive duration such as 60 (seconds) or \"5m\", found an integer"),
    ])
    func errors(text: String, message: String) {
        let error = #expect(throws: ConfigurationError.self) { try TablejohnConfiguration.parse(text, file: "my.toml") }
        #expect(error?.description == message)
    }
}
