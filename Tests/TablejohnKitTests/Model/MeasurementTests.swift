import Testing
@testable import TablejohnKit

@Suite("Measurement")
struct MeasurementTests {
    @Test("only finite numbers make a measurement; the error names the metric", arguments: [
        (Double.infinity, nil, nil, nil, "metric \"m\": value inf is not a finite number"),
        (-Double.infinity, nil, nil, nil, "metric \"m\": value -inf is not a finite number"),
        (Double.nan, nil, nil, nil, "metric \"m\": value nan is not a finite number"),
        (1, Double.nan, nil, nil, "metric \"m\": lower nan is not a finite number"),
        (1, nil, Double.infinity, nil, "metric \"m\": upper inf is not a finite number"),
        (1, nil, nil, [1, .infinity], "metric \"m\": sample inf is not a finite number"),
    ] as [(Double, Double?, Double?, [Double]?, String)])
    func nonFinite(value: Double, lower: Double?, upper: Double?, samples: [Double]?, message: String) {
        let error = #expect(throws: MeasurementError.self) {
            try Measurement(metric: "m", value: value, unit: "s", samples: samples, lower: lower, upper: upper)
        }
        #expect(error?.description == message)
    }

    @Test("the mean of samples that overflow is refused, not stored as inf")
    func overflowingMean() throws {
        let error = #expect(throws: MeasurementError.self) { try Measurement(metric: "x", samples: [1.7e308, 1.7e308], unit: "ns") }
        #expect(error?.description == "metric \"x\": the mean of its 2 samples is not a finite number (they overflow)")
        let fine = try Measurement(metric: "x", samples: [1, 2, 3], unit: "ns")
        #expect(fine.value == 2 && fine.lower == 1 && fine.upper == 3)
    }

    @Test("names and units are bounded and printable")
    func names() throws {
        _ = try Measurement(metric: String(repeating: "n", count: 200), value: 1, unit: String(repeating: "u", count: 32))
        #expect(throws: MeasurementError.self) { try Measurement(metric: "", value: 1) }
        #expect(throws: MeasurementError.self) { try Measurement(metric: String(repeating: "n", count: 201), value: 1) }
        #expect(throws: MeasurementError.self) { try Measurement(metric: "m", value: 1, unit: String(repeating: "u", count: 33)) }
        #expect(throws: MeasurementError.self) { try Measurement(metric: "a\nb", value: 1) }
        #expect(throws: MeasurementError.self) { try Measurement(metric: "m", value: 1, unit: "\u{7f}") }
        // HTML-significant text is allowed: pages and scripts escape it.
        #expect(try Measurement(metric: "<b>", value: 1, unit: "<img src=x>").unit == "<img src=x>")
    }
}
