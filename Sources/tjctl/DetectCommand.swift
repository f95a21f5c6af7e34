// tjctl detect: change points of a series given by hand, without a daemon.
import ArgumentParser
import Foundation
import TablejohnKit

struct DetectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detect",
        abstract: "Find the change points of a series of values (no daemon needed).",
        discussion: """
            Input: a JSON object {"values": [...], "higher_is_better": true|false} or a bare array \
            of numbers, oldest value first. Without "higher_is_better" changes are neutral.
            Output, one line of JSON: {"changes": [index, ...], "details": [{"index", "before", "after", \
            "magnitude", "direction", "confidence"}, ...]} where each index is the first value at a new \
            level, before/after are the medians of the neighbouring segments, magnitude is \
            (after - before) / |before|, direction is regression, improvement or neutral and \
            confidence is 1 minus the p-value of the change.
            Bad input exits with status 2 and one line on standard error.
            """)

    @Argument(help: ArgumentHelp("The JSON file; - or nothing reads standard input.", valueName: "file"))
    var file: String = "-"

    @Option(help: ArgumentHelp("The largest p-value of a change.", valueName: "p"))
    var significance: Double = ChangePointConfiguration.standard.significance

    @Option(help: ArgumentHelp("The smallest step, in robust standard deviations of the noise.", valueName: "sd"))
    var minimumEffect: Double = ChangePointConfiguration.standard.minimumEffect

    @Option(help: ArgumentHelp("The smallest step relative to the level before it (0.005 is 0.5 %).", valueName: "fraction"))
    var minimumRelativeChange: Double = ChangePointConfiguration.standard.minimumRelativeChange

    @Option(help: ArgumentHelp("The fewest values on each side of a change.", valueName: "n"))
    var minimumSegment: Int = ChangePointConfiguration.standard.minimumSegment

    func validate() throws {
        guard significance > 0 && significance < 1 else { throw ValidationError("--significance must be between 0 and 1") }
        guard minimumEffect >= 0 && minimumRelativeChange >= 0 else { throw ValidationError("thresholds must not be negative") }
        guard minimumSegment >= 2 else { throw ValidationError("--minimum-segment must be at least 2") }
    }

    func run() throws {
        let series: (values: [Double], direction: MetricDirection)
        do {
            series = try Self.series(from: try readInput(file))
        } catch let failure as CallFailure {
            FileHandle.standardError.write(Data("tjctl detect: \(failure.message)\n".utf8))
            throw ExitCode(2)
        }
        let configuration = ChangePointConfiguration(significance: significance, minimumEffect: minimumEffect,
                                                     minimumRelativeChange: minimumRelativeChange, minimumSegment: minimumSegment)
        let result = try ChangePointDetector(configuration: configuration, direction: series.direction).detect(series.values)
        print(try Self.json(result).jsonString())
    }

    /// The values and direction of an input document, or a `CallFailure` saying what is wrong.
    static func series(from bytes: [UInt8]) throws -> (values: [Double], direction: MetricDirection) {
        let document: JSONValue
        do {
            document = try JSONValue.parse(bytes)
        } catch {
            throw CallFailure(message: "input is not JSON: \(error)")
        }
        var direction = MetricDirection.neutral
        let items: [JSONValue]
        if let array = document.arrayValue {
            items = array
        } else if let object = document.objectValue {
            guard let values = object["values"]?.arrayValue else {
                throw CallFailure(message: "input object has no \"values\" array")
            }
            items = values
            switch object["higher_is_better"] {
            case nil, .null?: break
            case .bool(let higher)?: direction = higher ? .higher : .lower
            case let other?: throw CallFailure(message: "\"higher_is_better\" must be true or false, not \(other.typeName)")
            }
        } else {
            throw CallFailure(message: "input must be an array of numbers or an object with \"values\", not \(document.typeName)")
        }
        guard !items.isEmpty else { throw CallFailure(message: "the series has no values") }
        var values: [Double] = []
        values.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            guard let value = item.doubleValue, value.isFinite else {
                throw CallFailure(message: "value \(index) is \(item.typeName), not a finite number")
            }
            values.append(value)
        }
        return (values, direction)
    }

    /// The output document.
    static func json(_ result: ChangePointResult) -> JSONValue {
        .object([
            "changes": .array(result.changes.map { JSONValue($0.index) }),
            "details": .array(result.changes.map { change in
                .object([
                    "index": JSONValue(change.index),
                    "before": .real(change.levelBefore),
                    "after": .real(change.levelAfter),
                    "magnitude": .real(change.relativeMagnitude),
                    "direction": .string(change.kind.rawValue),
                    "confidence": .real(change.confidence),
                ])
            }),
        ])
    }
}
