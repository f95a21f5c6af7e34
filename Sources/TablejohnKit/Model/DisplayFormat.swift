// Numbers, dates and durations as pages and tjctl write them.
import Foundation

enum DisplayFormat {
    /// `2026-11-22 19:14:03 UTC` for Unix seconds; `unknown date` outside years 1 to 9999
    /// (a commit whose recorded time git allows but no calendar shows).
    static func date(seconds: Int64) -> String {
        guard let stamp = Timestamp.rfc3339(commitSeconds: seconds) else { return "unknown date" }  // 2026-11-22T19:14:03.000Z
        return "\(stamp.prefix(10)) \(stamp.dropFirst(11).prefix(8)) UTC"
    }

    /// `1 commit`, `2 commits`.
    static func count(_ value: Int, _ noun: String) -> String {
        value == 1 ? "1 \(noun)" : "\(value) \(noun)s"
    }

    /// Up to 6 significant digits, without a trailing `.0` for whole numbers.
    static func number(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(format: "%.6g", value)
    }

    /// A fingerprint as one line: `cpu: Xeon · cores: 8 · memory: 23.5 GiB`. Sizes in bytes
    /// (keys naming memory, RAM, disk or bytes) read as people write them.
    static func fingerprint(_ fingerprint: JSONValue?) -> String {
        guard case .object(let object)? = fingerprint else { return "" }
        return object.entries.map { entry in
            let key = entry.key.lowercased()
            let isSize = ["memory", "mem", "ram", "disk", "bytes", "size"].contains { key.contains($0) }
            if isSize, let bytes = entry.value.doubleValue, bytes.isFinite, bytes >= 1024 {
                return "\(entry.key): \(byteSize(bytes))"
            }
            return "\(entry.key): \(entry.value.stringValue ?? ((try? entry.value.jsonString()) ?? ""))"
        }.joined(separator: " · ")
    }

    /// `25276502016` as `23.5 GiB`: binary units, three significant figures.
    static func byteSize(_ bytes: Double) -> String {
        ByteCountText.approximate(bytes)
    }

    /// A machine as one line: the runner's name, then its fingerprint.
    static func machine(_ machine: Machine) -> String {
        let details = fingerprint(machine.fingerprint)
        let name = machine.runner ?? "no runner"
        return details.isEmpty ? name : "\(name) (\(details))"
    }
}
