import Testing
@testable import TablejohnKit

@Suite("One unit per metric")
struct MeasurementUnitTests {
    @Test("times and sizes convert within their kind, per-something units when the per part agrees",
          arguments: [("us", "ns", 1000.0), ("µs", "ns", 1000), ("μs", "ns", 1000), ("ns", "ms", 1e-6), ("s", "ms", 1000),
                      ("KiB", "B", 1024), ("kB", "B", 1000), ("MiB", "KiB", 1024), ("B", "KB", 0.001), ("GB", "MB", 1000),
                      ("us/op", "ns/op", 1000), ("MB/s", "KiB/s", 1e6 / 1024), ("seconds", "ms", 1000), ("ns", "ns", 1)] as [(String, String, Double)])
    func factors(from: String, to: String, factor: Double) throws {
        #expect(abs(try MeasurementUnit.factor(from: from, to: to) - factor) <= factor * 1e-12)
    }

    @Test("units of different kinds, different per parts or unknown spellings cannot be converted, and the error names both",
          arguments: [("ms", "B"), ("ns/op", "ns/iter"), ("ops/s", "op/s"), ("allocs/op", "B/op"), ("ns", "ns/op")])
    func incompatible(from: String, to: String) {
        #expect(throws: MeasurementUnitError(unit: from, target: to)) { try MeasurementUnit.factor(from: from, to: to) }
        #expect(MeasurementUnitError(unit: from, target: to).description
            == "its unit \(from.debugDescription) cannot be converted to the metric's unit \(to.debugDescription)")
    }

    @Test("a measurement in µs for a metric in ns: value, bounds and samples scaled, the metric's unit kept")
    func convertMeasurement() throws {
        let given = try Measurement(metric: "parse/time", value: 1.5, unit: "µs", samples: [1.25, 1.5, 1.75], lower: 1.25, upper: 1.75)
        #expect(try MeasurementUnit.convert(given, to: "ns")
            == Measurement(metric: "parse/time", value: 1500, unit: "ns", samples: [1250, 1500, 1750], lower: 1250, upper: 1750))
        // No unit on either side, or the same unit: unchanged.
        #expect(try MeasurementUnit.convert(given, to: nil) == given)
        #expect(try MeasurementUnit.convert(given, to: "µs") == given)
        let unitless = try Measurement(metric: "count", value: 3)
        #expect(try MeasurementUnit.convert(unitless, to: "B") == unitless)
        // A unit that is no time or size is kept as given: there is nothing to convert.
        let operations = try Measurement(metric: "throughput", value: 90, unit: "s")
        #expect(try MeasurementUnit.convert(operations, to: "ops") == operations)
    }

    @Test("an incompatible unit names the metric and both units; a conversion that overflows names the metric")
    func convertErrors() throws {
        let bytes = try Measurement(metric: "parse/time", value: 12, unit: "B")
        #expect(throws: MeasurementError(metric: "parse/time", "its unit \"B\" cannot be converted to the metric's unit \"ns\"")) {
            try MeasurementUnit.convert(bytes, to: "ns")
        }
        let perOperation = try Measurement(metric: "parse/time", value: 12, unit: "ns/op")
        #expect(throws: MeasurementError(metric: "parse/time", "its unit \"ns/op\" cannot be converted to the metric's unit \"ns\"")) {
            try MeasurementUnit.convert(perOperation, to: "ns")
        }
        let huge = try Measurement(metric: "slow/time", value: 1e300, unit: "h")
        #expect(throws: MeasurementError(metric: "slow/time", "value inf is not a finite number")) { try MeasurementUnit.convert(huge, to: "ps") }
    }
}
