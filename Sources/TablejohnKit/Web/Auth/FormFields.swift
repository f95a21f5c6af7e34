// Reading HTML form posts: a size-limited urlencoded body, its fields, and the local paths they name.
import Foundation
import Hummingbird
import NIOCore

/// The fields of an `application/x-www-form-urlencoded` body; a field given twice keeps its first value.
struct FormFields: Sendable {
    /// The largest form body accepted (413 beyond).
    static let maximumBytes = 64 * 1024

    private var values: [String: String] = [:]

    init(parsing text: String) {
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.decode(parts[0]), values[name] == nil else { continue }
            values[name] = parts.count > 1 ? Self.decode(parts[1]) ?? "" : ""
        }
    }

    subscript(_ name: String) -> String? { values[name] }

    /// Every value the form gave.
    var allValues: [String] { Array(values.values) }

    /// The field's value, which must be present and not blank.
    func required(_ name: String) throws(WebPageError) -> String {
        guard let value = values[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else {
            throw WebPageError.badRequest("The form is missing the field “\(name)”.")
        }
        return value
    }

    private static func decode(_ text: Substring) -> String? {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }

    /// Reads the body of a form post: 413 past `maximumBytes`, 415 for another encoding.
    static func read(_ request: Request) async throws -> FormFields {
        let type = request.headers[.contentType]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
        guard type == "application/x-www-form-urlencoded" else {
            throw WebPageError(status: .unsupportedMediaType, title: "Unsupported form",
                               message: "Send the form as application/x-www-form-urlencoded.")
        }
        let tooLarge = WebPageError(status: .contentTooLarge, title: "Form too large",
                                    message: "The form is larger than \(maximumBytes / 1024) KiB.")
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maximumBytes { throw tooLarge }
        var request = request
        do {
            return FormFields(parsing: String(buffer: try await request.collectBody(upTo: maximumBytes)))
        } catch is NIOTooManyBytesError {
            throw tooLarge
        }
    }
}

enum LocalPath {
    /// `text` when it is a path on this server ("/queue/", "/run/x/?a=b"), else "/".
    /// Refuses "//host" and "/\host" (browsers read both as another host), and
    /// anything with spaces, control characters or unencoded non-ASCII.
    static func sanitized(_ text: String?) -> String {
        guard let text, text.hasPrefix("/"), !text.hasPrefix("//"),
              !text.utf8.contains(where: { $0 <= 0x20 || $0 >= 0x7f || $0 == UInt8(ascii: "\\") }) else { return "/" }
        return text
    }

    /// `value` escaped for use as one query parameter's value.
    static func queryEscaped(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }

    private static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~/")
}

extension Response {
    /// 303 See Other: after a form post, the browser GETs `location`.
    static func seeOther(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }
}
