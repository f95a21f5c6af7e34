// Byte counts as people read them (binary units), for pages, tjctl and runner messages.
import Foundation

public enum ByteCountText {
    static let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]

    /// `25276502016` as `23.5 GiB`: binary units, three significant figures; rounded down
    /// with `down`, so space just short of a threshold never reads as the threshold.
    public static func approximate(_ bytes: Double, down: Bool = false) -> String {
        var value = bytes
        var unit = 0
        while abs(value) >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        guard unit > 0 else { return "\(Int64(value)) B" }
        let decimals = abs(value) >= 100 ? 0 : (abs(value) >= 10 ? 1 : 2)
        if down {
            let scale = [1.0, 10, 100][decimals]
            value = (value * scale).rounded(.down) / scale
        }
        return String(format: "%.\(decimals)f", value) + " " + units[unit]
    }

    /// A size written in the configuration: `5 GiB` when it is a whole number of a unit,
    /// else as `approximate` shows it.
    static func exact(_ bytes: Int64) -> String {
        for unit in stride(from: 4, through: 1, by: -1) where bytes >= Int64(1) << (10 * unit) && bytes % (Int64(1) << (10 * unit)) == 0 {
            return "\(bytes >> (10 * unit)) \(units[unit])"
        }
        return bytes < 1024 ? "\(bytes) B" : approximate(Double(bytes))
    }
}
