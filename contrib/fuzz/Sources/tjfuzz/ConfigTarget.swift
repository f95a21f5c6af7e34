// Fuzz target "config": bytes through toml++ (CTOMLShim) and the configuration reader.
import Foundation
@testable import TablejohnKit

/// Reads the input as a configuration file's bytes (invalid UTF-8 included, as `load(path:)`
/// hands them over), then takes every duration in milliseconds as the daemon and the runner
/// do when they start: an accepted file must not trap later.
final class ConfigTarget: FuzzTarget {
    func run(_ input: [UInt8]) {
        _ = try? TOMLParser.parse(bytes: input)
        guard let configuration = try? TablejohnConfiguration.parse(Data(input), file: "fuzz.toml") else { return }
        let durations = [configuration.web.runnerTimeout, configuration.repo.fetchInterval, configuration.bench.timeout,
                         configuration.runner.pingInterval, configuration.detect.interval]
        for duration in durations { _ = duration.milliseconds }
    }
}
