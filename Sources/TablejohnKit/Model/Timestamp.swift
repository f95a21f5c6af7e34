// Times as the project stores them (Unix milliseconds) and writes them (RFC 3339, UTC).
import Foundation

/// Time formatting and parsing shared by exports, RPC replies and the runner API.
public enum Timestamp {
    /// The current time in Unix milliseconds, the unit of every stored time.
    public static func now() -> Int64 {
        Int64(Date().timeIntervalSince1970 * 1000)
    }

    /// The commit times tablejohn keeps, in Unix seconds: 0001-01-01T00:00:00Z through
    /// 9999-12-31T23:59:59Z. git accepts any 64-bit time; import clamps into this range,
    /// and a time at either end means the date is unknown. Times in it can be multiplied
    /// by 1000 and formatted without overflow.
    static let commitSeconds: ClosedRange<Int64> = -62_135_596_800...253_402_300_799

    /// A commit time as git records it, clamped into `commitSeconds`.
    static func clampedCommitSeconds(_ seconds: Int64) -> Int64 {
        min(max(seconds, commitSeconds.lowerBound), commitSeconds.upperBound)
    }

    /// Whether a commit time is known: strictly inside `commitSeconds` (a clamped time is not).
    static func isKnownCommitTime(_ seconds: Int64) -> Bool {
        seconds > commitSeconds.lowerBound && seconds < commitSeconds.upperBound
    }

    /// Unix seconds of a commit as Unix milliseconds; clamped first, so it cannot overflow.
    static func milliseconds(commitSeconds seconds: Int64) -> Int64 {
        clampedCommitSeconds(seconds) * 1000
    }

    /// A commit time as RFC 3339, or nil when the date is unknown (see `commitSeconds`).
    static func rfc3339(commitSeconds seconds: Int64) -> String? {
        isKnownCommitTime(seconds) ? rfc3339(milliseconds: seconds * 1000) : nil
    }

    /// Unix milliseconds as RFC 3339 in UTC with milliseconds.
    static func rfc3339(milliseconds: Int64) -> String {
        // Rounded toward the past from the remainder: `milliseconds - 999` and
        // `seconds * 1000` both overflow near Int64.min.
        let remainder = milliseconds % 1000
        var seconds = time_t(milliseconds / 1000 - (remainder < 0 ? 1 : 0))
        let millis = Int(remainder < 0 ? remainder + 1000 : remainder)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let year = Int(parts.tm_year) + 1900
        guard (0...9999).contains(year) else {
            // Far from now (only a hand-made submission gets here): plain interpolation.
            func pad(_ value: Int32, _ width: Int) -> String {
                let text = String(value)
                return String(repeating: "0", count: max(0, width - text.count)) + text
            }
            return "\(year)-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T\(pad(parts.tm_hour, 2)):"
                + "\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(millis), 3))Z"
        }
        // Written digit by digit: replies and pages format two timestamps per run.
        return String(unsafeUninitializedCapacity: 24) { buffer in
            var position = 0
            func digits(_ value: Int, _ width: Int, then separator: UInt8) {
                var rest = value
                for offset in stride(from: width - 1, through: 0, by: -1) {
                    buffer[position + offset] = UInt8(ascii: "0") + UInt8(rest % 10)
                    rest /= 10
                }
                buffer[position + width] = separator
                position += width + 1
            }
            digits(year, 4, then: UInt8(ascii: "-"))
            digits(Int(parts.tm_mon) + 1, 2, then: UInt8(ascii: "-"))
            digits(Int(parts.tm_mday), 2, then: UInt8(ascii: "T"))
            digits(Int(parts.tm_hour), 2, then: UInt8(ascii: ":"))
            digits(Int(parts.tm_min), 2, then: UInt8(ascii: ":"))
            digits(Int(parts.tm_sec), 2, then: UInt8(ascii: "."))
            digits(millis, 3, then: UInt8(ascii: "Z"))
            return position
        }
    }

    /// Parses RFC 3339 (`2026-11-22T19:14:03Z`, with optional fraction and offset) or a
    /// plain date (`2026-11-22`, midnight UTC) to Unix milliseconds; fractions round to
    /// the millisecond. Read by hand: every submitted run carries two of these, and a
    /// date formatter costs more than the rest of storing the run.
    static func parse(_ text: String) -> Int64? {
        var utf8 = text.utf8[...]
        func number(_ width: Int) -> Int? {
            guard utf8.count >= width else { return nil }
            var value = 0
            for byte in utf8.prefix(width) {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            utf8 = utf8.dropFirst(width)
            return value
        }
        func skip(_ character: Character) -> Bool {
            guard let first = utf8.first, Character(Unicode.Scalar(first)) == character else { return false }
            utf8 = utf8.dropFirst()
            return true
        }
        guard let year = number(4), skip("-"), let month = number(2), skip("-"), let day = number(2),
              (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day) else { return nil }
        let days = Int64(daysSinceEpoch(year: year, month: month, day: day))
        if utf8.isEmpty { return days * 86_400_000 }
        guard skip("T") || skip("t") || skip(" "), let hour = number(2), skip(":"), let minute = number(2), skip(":"),
              let second = number(2), hour < 24, minute < 60, second <= 60 else { return nil }
        var milliseconds = 0
        if skip(".") {
            var digits = 0
            var scale = 100
            var roundUp = false
            while let byte = utf8.first, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
                let digit = Int(byte - UInt8(ascii: "0"))
                if scale > 0 { milliseconds += digit * scale } else if digits == 3 { roundUp = digit >= 5 }
                scale /= 10
                digits += 1
                utf8 = utf8.dropFirst()
            }
            guard digits > 0 else { return nil }
            if roundUp { milliseconds += 1 }
        }
        var offsetMinutes = 0
        if skip("Z") || skip("z") {
        } else if let sign = utf8.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
            utf8 = utf8.dropFirst()
            guard let offsetHours = number(2), skip(":"), let offsetMinute = number(2), offsetHours < 24, offsetMinute < 60 else { return nil }
            offsetMinutes = (offsetHours * 60 + offsetMinute) * (sign == UInt8(ascii: "-") ? -1 : 1)
        } else {
            return nil
        }
        guard utf8.isEmpty else { return nil }
        let seconds = days * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offsetMinutes * 60)
        return seconds * 1000 + Int64(milliseconds)
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days from 1970-01-01 to a date of the proleptic Gregorian calendar.
    private static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
