// Which Host header values the daemon answers: the defence against DNS rebinding.

/// The names a request's `Host` may carry. A page on another site that rebinds its own
/// name to 127.0.0.1 reaches the daemon with that foreign name in `Host`; refusing it
/// keeps private commits, exports and the admin pages away from that page.
///
/// Allowed: no Host at all (HTTP/1.0 tools; browsers always send one); the listen
/// address itself; loopback names (`localhost`, `*.localhost`, `127.x.x.x`, `[::1]`)
/// with any port; the names in `[web] allowed-hosts`. When the daemon listens on all
/// interfaces (`0.0.0.0`, `::`), literal IP addresses are allowed too, since an address
/// cannot be rebound; `allowed-hosts = ["*"]` turns the check off.
struct HostPolicy: Sendable, Equatable {
    /// The configured listen host, lowercased.
    var listenHost: String
    /// `[web] allowed-hosts`, lowercased.
    var allowedHosts: [String]

    init(listenHost: String, allowedHosts: [String] = []) {
        self.listenHost = listenHost.lowercased()
        self.allowedHosts = allowedHosts.map { $0.lowercased() }
    }

    /// The policy of a daemon on 127.0.0.1 with nothing listed.
    static let loopback = HostPolicy(listenHost: "127.0.0.1")

    /// Whether a request whose Host header (or HTTP/2 authority) is `authority` is answered.
    func allows(_ authority: String?) -> Bool {
        guard let authority, !authority.isEmpty else { return true }
        if allowedHosts.contains("*") { return true }
        guard let host = Self.host(of: authority) else { return false }
        if Self.isLoopback(host) || allowedHosts.contains(host) { return true }
        let listen = listenHost.contains(":") ? "[\(listenHost)]" : listenHost
        if host == listen { return true }
        let allInterfaces = ["0.0.0.0", "::", "[::]", ""].contains(listenHost)
        return allInterfaces && (Self.isIPv4(host) || (host.hasPrefix("[") && host.hasSuffix("]")))
    }

    /// The host part of `host[:port]` or `[v6]:port`, lowercased without a trailing dot;
    /// nil when it is not shaped like a host.
    static func host(of authority: String) -> String? {
        var text = Substring(authority.lowercased())
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            let rest = text[text.index(after: close)...]
            guard rest.isEmpty || (rest.hasPrefix(":") && rest.dropFirst().allSatisfy(\.isASCII) && rest.dropFirst().allSatisfy(\.isNumber)) else {
                return nil
            }
            return String(text[...close])
        }
        if let colon = text.lastIndex(of: ":") {
            let port = text[text.index(after: colon)...]
            guard port.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            text = text[..<colon]
        }
        if text.hasSuffix(".") { text = text.dropLast() }
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") }) else { return nil }
        return String(text)
    }

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host.hasSuffix(".localhost") || host == "[::1]"
            || (isIPv4(host) && host.hasPrefix("127."))
    }

    static func isIPv4(_ host: String) -> Bool {
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { part in
            !part.isEmpty && part.count <= 3 && part.allSatisfy { $0.isASCII && $0.isNumber } && Int(part)! <= 255
        }
    }
}
