// tjctl detect: change points of a series given by hand, without a daemon.
import ArgumentParser
import Foundation
import TablejohnKit

struct DetectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detect",
        abstract: "Find the change points of one or more series of values (no daemon needed).",
        discussion: """
            Input: a JSON object {"values": [...], "higher_is_better": true|false} or a bare array \
            of numbers, oldest value first. Without "higher_is_better" changes are neutral.
            Output, one line of JSON: {"changes": [index, ...], "details": [{"index", "before", "after", \
            "magnitude", "direction", "confidence", "state"}, ...]} where each index is the first value at a new \
            level, before/after are the medians of the neighbouring segments, magnitude is \
            (after - before) / |before|, direction is regression, improvement or neutral, \
            confidence is 1 minus the p-value of the change and state is detected, or suspected \
            for a step in the last few values (with "evidence": {"values_after", "reference", \
            "reference_beyond", "p_value"}) that more values will settle.
            Bad input exits with status 2 and one line on standard error.
            Several files: one line per file, in order, each with "file" naming it; a file that \
            cannot be read or examined gives {"file", "error"} (and the same on standard error), \
            the others are still examined, and the exit status is 2 at the end.
            """)

    @Argument(help: ArgumentHelp("The JSON files; - or nothing reads standard input.", valueName: "file"))
    var files: [String] = []

    @Option(help: ArgumentHelp("The largest p-value of a change.", valueName: "p"))
    var significance: Double = ChangePointConfiguration.standard.significance

    @Option(help: ArgumentHelp("The smallest step, in robust standard deviations of the noise.", valueName: "sd"))
    var minimumEffect: Double = ChangePointConfiguration.standard.minimumEffect

    @Option(help: ArgumentHelp("The smallest step relative to the level before it (0.005 is 0.5 %).", valueName: "fraction"))
    var minimumRelativeChange: Double = ChangePointConfiguration.standard.minimumRelativeChange

    @Option(help: ArgumentHelp("The fewest values on each side of a change.", valueName: "n"))
    var minimumSegment: Int = ChangePointConfiguration.standard.minimumSegment

    @Option(help: ArgumentHelp("Values on each side whose medians measure a step.", valueName: "n"))
    var effectWindow: Int = ChangePointConfiguration.standard.effectWindow

    func validate() throws {
        guard significance > 0 && significance < 1 else { throw ValidationError("--significance must be between 0 and 1") }
        guard minimumEffect >= 0 && minimumRelativeChange >= 0 else { throw ValidationError("thresholds must not be negative") }
        guard minimumSegment >= 2 else { throw ValidationError("--minimum-segment must be at least 2") }
        guard effectWindow >= minimumSegment else { throw ValidationError("--effect-window must be at least --minimum-segment") }
        // The detector works with small multiples of both; a series has far fewer values than this.
        guard effectWindow <= 100_000 else { throw ValidationError("--effect-window must be at most 100000") }
        guard files.filter({ $0 == "-" }).count <= 1 else { throw ValidationError("standard input (-) can be read only once") }
    }

    func run() throws {
        let configuration = ChangePointConfiguration(significance: significance, minimumEffect: minimumEffect,
                                                     minimumRelativeChange: minimumRelativeChange, minimumSegment: minimumSegment,
                                                     effectWindow: effectWindow)
        guard files.count > 1 else {
            // One series: the output stays the bare document it always was.
            let result: ChangePointResult
            do {
                result = try Self.detect(files.first ?? "-", configuration: configuration)
            } catch {
                FileHandle.standardError.write(Data("tjctl detect: \(error.message)\n".utf8))
                throw ExitCode(2)
            }
            print(try Self.json(result).jsonString())
            return
        }
        var failed = false
        for file in files {
            let line: JSONValue
            do {
                let result = try Self.detect(file, configuration: configuration)
                line = Self.json(result, file: file)
            } catch {
                failed = true
                FileHandle.standardError.write(Data("tjctl detect: \(file): \(error.message)\n".utf8))
                line = .object(["file": .string(file), "error": .string(error.message)])
            }
            print(try line.jsonString())
        }
        if failed { throw ExitCode(2) }
    }

    /// The change points of the series in `file` (- for standard input), or a `CallFailure` saying what is wrong.
    static func detect(_ file: String, configuration: ChangePointConfiguration) throws(CallFailure) -> ChangePointResult {
        let series: (values: [Double], direction: MetricDirection)
        do {
            series = try Self.series(from: try readInput(file))
        } catch let failure as CallFailure {
            throw failure
        } catch {
            throw CallFailure(message: "\(error)")
        }
        do {
            return try ChangePointDetector(configuration: configuration, direction: series.direction).detect(series.values)
        } catch {
            throw CallFailure(message: error.message)
        }
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

    /// The output document; `file` first when it names the file the series came from.
    static func json(_ result: ChangePointResult, file: String? = nil) -> JSONValue {
        var document = JSONObject()
        if let file { document["file"] = .string(file) }
        document["changes"] = .array(result.changes.map { JSONValue($0.index) })
        document["details"] = .array(result.changes.map { change in
            var detail: JSONObject = [
                "index": JSONValue(change.index),
                "before": .real(change.levelBefore),
                "after": .real(change.levelAfter),
                "magnitude": .real(change.relativeMagnitude),
                "direction": .string(change.kind.rawValue),
                "confidence": .real(change.confidence),
                "state": .string(change.evidence == nil ? "detected" : "suspected"),
            ]
            if let evidence = change.evidence {
                detail["evidence"] = .object([
                    "values_after": JSONValue(evidence.valuesAfter),
                    "reference": JSONValue(evidence.reference),
                    "reference_beyond": JSONValue(evidence.referenceBeyond),
                    "p_value": .real(evidence.pValue),
                ])
            }
            return .object(detail)
        })
        return .object(document)
    }
}
