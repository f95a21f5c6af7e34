// Fuzz target "config": TOML text through the parser and the configuration reader.
import TablejohnKit

/// Reads the input as a configuration file, then takes every duration in milliseconds
/// as the daemon and the runner do when they start: an accepted file must not trap later.
final class ConfigTarget: FuzzTarget {
    func run(_ input: [UInt8]) {
        let text = String(decoding: input, as: UTF8.self)
        _ = try? TOMLParser.parse(text)
        guard let configuration = try? TablejohnConfiguration.parse(text, file: "fuzz.toml") else { return }
        let durations = [configuration.web.runnerTimeout, configuration.repo.fetchInterval, configuration.bench.timeout,
                         configuration.runner.pingInterval, configuration.detect.interval]
        for duration in durations { _ = duration.milliseconds }
    }
}
