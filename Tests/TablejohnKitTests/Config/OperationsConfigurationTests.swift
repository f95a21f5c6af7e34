import Testing
@testable import TablejohnKit

/// `[sql]` and `[web] metrics`, `metrics-token`: what operating tablejohn can be told.
@Suite("Operations configuration")
struct OperationsConfigurationTests {
    @Test("defaults: SQL stopped after 5 s with pages of at most 10,000 rows; /metrics on, no token")
    func defaults() {
        let configuration = TablejohnConfiguration()
        #expect(configuration.sql.timeout == .seconds(5))
        #expect(configuration.sql.maximumRows == 10_000)
        #expect(configuration.web.metrics)
        #expect(configuration.web.metricsToken == nil)
    }

    @Test("reads [sql] timeout and max-rows, [web] metrics and metrics-token")
    func reads() throws {
        let configuration = try TablejohnConfiguration.parse("""
            [web]
            metrics = false
            metrics-token = "0123456789abcdef"

            [sql]
            timeout = "250ms"
            max-rows = 500
            """, file: "t.toml")
        #expect(configuration.sql.timeout == .milliseconds(250))
        #expect(configuration.sql.maximumRows == 500)
        #expect(!configuration.web.metrics)
        #expect(configuration.web.metricsToken == "0123456789abcdef")
    }

    @Test("errors name the file, the line and the key", arguments: [
        ("[sql]\ntimeout = \"1h\"\n", "my.toml:2: [sql] timeout: expected at most 10 minutes"),
        ("[sql]\ntimeout = true\n", "my.toml:2: [sql] timeout: expected a positive duration such as 60 (seconds) or \"5m\", found a boolean"),
        ("[sql]\nmax-rows = 0\n", "my.toml:2: [sql] max-rows: expected a whole number of rows from 1 to 1000000"),
        ("[sql]\nrows = 5\n", "my.toml:2: [sql] rows: unknown key"),
        ("[web]\nmetrics = \"yes\"\n", "my.toml:2: [web] metrics: expected true or false, found a string"),
        ("[web]\nmetrics-token = \"short\"\n",
         "my.toml:2: [web] metrics-token: must be at least 16 characters without control characters, e.g. from openssl rand -hex 32"),
    ])
    func errors(text: String, message: String) {
        let error = #expect(throws: ConfigurationError.self) { try TablejohnConfiguration.parse(text, file: "my.toml") }
        #expect(error?.description == message)
    }
}
