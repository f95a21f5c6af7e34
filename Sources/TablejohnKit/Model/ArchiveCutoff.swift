// The dates archive commands take: a calendar date, an RFC 3339 time, or an age such as "180d".

/// A point in time given to `tjctl archive` or `[archive] after`, read as Unix milliseconds.
enum ArchiveCutoff {
    /// The oldest age accepted: 100 years, far from overflowing milliseconds.
    static let maximumDays: Int64 = 36_500

    /// `2026-06-01` (midnight UTC), `2026-06-01T12:00:00Z`, or an age before `now`:
    /// `180d` (days) or `26w` (weeks). Nil for anything else.
    static func parse(_ text: String, now: Int64) -> Int64? {
        if let age = days(text) { return now - age * 86_400_000 }
        return Timestamp.parse(text)
    }

    /// The days of an age written as `180d` or `26w`; nil when `text` is not one.
    static func days(_ text: String) -> Int64? {
        guard let unit = text.last, unit == "d" || unit == "w" else { return nil }
        let digits = text.dropLast()
        guard !digits.isEmpty, digits.count <= 6, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int64(digits) else { return nil }
        let days = unit == "w" ? number * 7 : number
        return (1...maximumDays).contains(days) ? days : nil
    }
}
