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
