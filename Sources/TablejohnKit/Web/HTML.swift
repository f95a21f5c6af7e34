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
    /// `2026-11-22 19:14:03 UTC` for Unix seconds.
    static func date(seconds: Int64) -> String {
        let stamp = Timestamp.rfc3339(milliseconds: seconds * 1000)  // 2026-11-22T19:14:03.000Z
        return "\(stamp.prefix(10)) \(stamp.dropFirst(11).prefix(8)) UTC"
    }

    /// `1 commit`, `2 commits`.
    static func count(_ value: Int, _ noun: String) -> String {
        value == 1 ? "1 \(noun)" : "\(value) \(noun)s"
    }
}
