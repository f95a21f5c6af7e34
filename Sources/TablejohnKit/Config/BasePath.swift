// The prefix every address lives under when a reverse proxy serves tablejohn below a path: `[web] base-path`.
import Foundation

/// `""` (the root, the default) or a path such as `/tablejohn`: a leading slash, no
/// trailing slash, only URL path characters, no empty, `.` or `..` segments.
///
/// Routes and handlers speak the daemon's own paths (`/queue/`); `BasePathResponder`
/// takes the prefix off requests and puts it on `Location` headers, and pages build
/// every address with `URLPath.href`, which adds the prefix of the request being answered.
struct BasePath: Sendable, Equatable, CustomStringConvertible {
    /// `""` or `/tablejohn`.
    let value: String

    static let root = BasePath(checked: "")

    /// Why a configured value is refused.
    struct Problem: Error, Equatable, CustomStringConvertible {
        var description: String
    }

    /// Characters allowed in the prefix: RFC 3986's unreserved characters and the
    /// sub-delimiters that need no escaping in an HTML attribute, plus `:`, `@` and `/`.
    private static let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$()*+,;=:@/".utf8)

    private init(checked value: String) { self.value = value }

    /// Validates `text`; one trailing slash is dropped (`/tablejohn/` is `/tablejohn`, `/` is the root).
    init(parsing text: String) throws(Problem) {
        guard text.hasPrefix("/") else {
            throw Problem(description: "must start with \"/\", such as \"/tablejohn\"; found \(text.debugDescription)")
        }
        guard !text.contains("//") else {
            throw Problem(description: "must not contain \"//\"; found \(text.debugDescription)")
        }
        let trimmed = text.count > 1 && text.hasSuffix("/") ? String(text.dropLast()) : text
        if trimmed == "/" {
            self = .root
            return
        }
        if let bad = trimmed.utf8.first(where: { !Self.allowed.contains($0) }) {
            let shown = bad < 0x80 ? String(UnicodeScalar(bad)).debugDescription : "non-ASCII text"
            throw Problem(description: "only URL path characters (letters, digits, -._~!$()*+,;=:@ and /) may appear; found \(shown) in \(text.debugDescription)")
        }
        guard !trimmed.contains(".."), !trimmed.split(separator: "/").contains(".") else {
            throw Problem(description: "must not contain \"..\" or \".\" segments; found \(text.debugDescription)")
        }
        self.value = trimmed
    }

    /// The prefix as a path (`/` for none): also the session cookie's `Path`, the whole site under it.
    var description: String { value.isEmpty ? "/" : value }

    /// `path` (one of the daemon's own, starting with `/`) as browsers and proxies address it.
    func external(_ path: String) -> String { value + path }

    /// Where a request for `path` (with its query) goes inside the daemon.
    enum Inbound: Equatable {
        /// Answer it as `path`, the prefix taken off.
        case serve(String)
        /// The prefix itself without its slash: send the browser to `location`.
        case redirect(String)
        /// Outside the prefix.
        case outside
    }

    /// Takes the prefix off `path` (which may carry a query).
    func inbound(_ path: String) -> Inbound {
        guard !value.isEmpty else { return .serve(path) }
        guard path.hasPrefix(value) else { return .outside }
        let rest = path.dropFirst(value.count)
        if rest.isEmpty || rest.hasPrefix("?") { return .redirect(value + "/" + rest) }
        guard rest.hasPrefix("/") else { return .outside }
        return .serve(String(rest))
    }

    /// The prefix of the request being answered; `BasePathResponder` sets it for each request.
    @TaskLocal static var current = BasePath.root
}
