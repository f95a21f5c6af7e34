import Testing
@testable import TablejohnKit

@Suite("Configuration: machine affinity and confirmation")
struct AffinityConfigurationTests {
    @Test("defaults: an hour for a machine to come back, 9 re-runs each side, 0.99 confidence")
    func defaults() throws {
        let detect = try TablejohnConfiguration.parse("", file: "t.toml").detect
        #expect(detect.affinityTimeout == .seconds(3600))
        #expect(detect.maxReruns == 9)
        #expect(detect.confidence == 0.99)
        #expect(detect.confirmation == ConfirmationRule(significance: 1 - 0.99, maximumRuns: 10))
    }

    @Test("reads [detect] affinity-timeout, max-reruns and confidence, and [runner] machine")
    func reads() throws {
        let configuration = try TablejohnConfiguration.parse("""
            [detect]
            affinity-timeout = "30m"
            max-reruns = 4
            confidence = 0.95

            [runner]
            machine = "rack-2 box 7"
            """, file: "t.toml")
        #expect(configuration.detect.affinityTimeout == .seconds(1800))
        #expect(configuration.detect.confirmation.maximumRuns == 5)
        #expect(abs(configuration.detect.confirmation.significance - 0.05) < 1e-12)
        #expect(configuration.runner.machine == "rack-2 box 7")
        // The label is the fingerprint's "machine" entry
        #expect(RunnerDaemon.Settings(configuration.runner).fingerprint["machine"] == "rack-2 box 7")
    }

    @Test("bad values are errors naming the file, line and key", arguments: [
        ("[detect]\nconfidence = 1\n", "my.toml:2: [detect] confidence: expected a number from 0.5 up to (not including) 1, such as 0.99"),
        ("[detect]\nconfidence = 0.2\n", "my.toml:2: [detect] confidence: expected a number from 0.5 up to (not including) 1, such as 0.99"),
        ("[detect]\nmax-reruns = 0\n", "my.toml:2: [detect] max-reruns: expected a whole number of re-runs from 1 to 1000"),
        ("[detect]\naffinity-timeout = \"soon\"\n",
         "my.toml:2: [detect] affinity-timeout: expected a positive duration such as 60 (seconds) or \"5m\", found \"soon\""),
        ("[runner]\nmachine = \"\"\n", "my.toml:2: [runner] machine: expected a label of 1 to 200 bytes"),
    ])
    func errors(text: String, message: String) {
        let error = #expect(throws: ConfigurationError.self) { try TablejohnConfiguration.parse(text, file: "my.toml") }
        #expect(error?.description == message)
    }
}
