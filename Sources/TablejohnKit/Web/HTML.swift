// Escaping and small formatting helpers for server-rendered pages.
import Foundation

/// Builds HTML text. Everything interpolated with `text(_:)` or `attribute(_:)` is
/// escaped, because commit messages, author names and ref names are untrusted.
struct HTMLWriter {
    private(set) var output = ""

    init() { output.reserveCapacity(16 * 1024) }

    /// Appends trusted markup written in our own templates.
    mutating func raw(_ markup: String) { output += markup }

    /// Appends untrusted text, escaped for element content.
    mutating func text(_ value: String) { output += HTMLEscaping.escape(value) }

    /// Appends `<tag>escaped text</tag>` with optional trusted attributes.
    mutating func element(_ tag: String, _ value: String, attributes: String = "") {
        output += "<\(tag)\(attributes.isEmpty ? "" : " " + attributes)>"
        text(value)
        output += "</\(tag)>"
    }
}

enum HTMLEscaping {
    /// Escapes `& < > " '` so the text is safe in element content and quoted attributes.
    static func escape(_ value: String) -> String {
        var needs = false
        for byte in value.utf8 where byte == 0x26 || byte == 0x3c || byte == 0x3e || byte == 0x22 || byte == 0x27 {
            needs = true
            break
        }
        guard needs else { return value }
        var result = ""
        result.reserveCapacity(value.utf8.count + 16)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}

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

enum URLPath {
    /// `value` percent-encoded to sit in one path segment of a page address.
    static func segment(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: segmentCharacters) ?? ""
    }

    /// RFC 3986's unreserved characters, ASCII only: the result is safe in an attribute too.
    private static let segmentCharacters = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    /// `path`, one of the daemon's own (`/queue/`), as a page links to it: under `[web] base-path`
    /// when one is set. Every root-absolute address in a page goes through here.
    static func href(_ path: String) -> String { BasePath.current.external(path) }

    static func commit(_ hash: String) -> String { "/commit/\(hash)/" }
    static func run(_ id: String) -> String { "/run/\(segment(id))/" }
    static func runner(_ name: String) -> String { "/runner/\(segment(name))/" }
    static func compare(_ id: String, _ other: String? = nil) -> String {
        "/compare/\(segment(id))/" + (other.map { "\(segment($0))/" } ?? "")
    }
}
