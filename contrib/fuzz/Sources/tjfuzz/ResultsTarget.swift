// Fuzz target "results": benchmark output through format detection and every result adapter.
import Foundation
@testable import TablejohnKit

/// The first byte picks the format (0 and every tenth value: detected from the content,
/// as `POST /api/runs` without `format=` does); the rest is the result file. Every
/// measurement read must carry only finite numbers (SPEC §12: numbers are checked where
/// they enter), unless TJFUZZ_ALLOW_NONFINITE is set.
final class ResultsTarget: FuzzTarget {
    private let formats: [ResultFormat?] = [nil] + ResultFormat.allCases.map(Optional.some)
    private let checkFinite = ProcessInfo.processInfo.environment["TJFUZZ_ALLOW_NONFINITE"] == nil

    func run(_ input: [UInt8]) {
        guard let selector = input.first else { return }
        let format = formats[Int(selector) % formats.count]
        let bytes = Array(input.dropFirst())
        _ = ResultReader.detect(bytes)
        guard let (read, measurements) = try? ResultReader.read(bytes, format: format) else { return }
        if let format, read != format { fatalError("asked for \(format), read \(read)") }
        guard checkFinite else { return }
        for measurement in measurements {
            let numbers = [measurement.value] + (measurement.samples ?? []) + [measurement.lower, measurement.upper].compactMap { $0 }
            if let bad = numbers.first(where: { !$0.isFinite }) {
                fatalError("\(read): measurement \(measurement.metric.debugDescription) holds \(bad)")
            }
        }
    }
}
