import Testing
@testable import TablejohnKit

@Suite("Timestamps")
struct TimestampTests {
    @Test("milliseconds format as RFC 3339 in UTC, before 1970 and far ahead too")
    func rfc3339() {
        #expect(Timestamp.rfc3339(milliseconds: 0) == "1970-01-01T00:00:00.000Z")
        #expect(Timestamp.rfc3339(milliseconds: 1_700_000_000_250) == "2023-11-14T22:13:20.250Z")
        #expect(Timestamp.rfc3339(milliseconds: -1) == "1969-12-31T23:59:59.999Z")
        #expect(Timestamp.rfc3339(milliseconds: 253_402_300_800_000) == "10000-01-01T00:00:00.000Z")
        #expect(Timestamp.parse("2023-11-14T22:13:20.250Z") == 1_700_000_000_250)
    }

    @Test("RFC 3339 and plain dates parse to milliseconds; anything else is nil", arguments: [
        ("2023-11-14T22:13:20.250Z", 1_700_000_000_250 as Int64?), ("2023-11-14T22:13:20Z", 1_700_000_000_000),
        ("2023-11-14t22:13:20z", 1_700_000_000_000), ("2023-11-14 22:13:20Z", 1_700_000_000_000),
        ("2023-11-14T23:13:20+01:00", 1_700_000_000_000), ("2023-11-14T20:43:20.1-01:30", 1_700_000_000_100),
        ("2023-11-14T22:13:20.2504Z", 1_700_000_000_250), ("2023-11-14T22:13:20.2505999Z", 1_700_000_000_251),
        ("1970-01-01", 0), ("1969-12-31T23:59:59.999Z", -1), ("2024-02-29", 1_709_164_800_000), ("2000-03-01", 951_868_800_000),
        ("2023-02-29", nil), ("2023-13-01", nil), ("2023-11-14T24:00:00Z", nil), ("2023-11-14T22:13:20", nil),
        ("2023-11-14T22:13:20.Z", nil), ("2023-11-14T22:13:20Zjunk", nil), ("23-11-14", nil), ("", nil), ("yesterday", nil),
        ("2023-11-14T22:13:20+0100", nil),
    ])
    func parse(text: String, milliseconds: Int64?) {
        #expect(Timestamp.parse(text) == milliseconds)
    }
}
