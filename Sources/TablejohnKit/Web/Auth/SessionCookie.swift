// The session cookie: how a browser says who is asking (read by `AccessMiddleware`).
import Foundation
import Hummingbird

/// The session cookie: 64 hex digits naming a row of `sessions` by its SHA-256.
enum SessionCookie {
    static let name = "tablejohn_session"

    /// The token of a well-formed session cookie, if the request has one.
    static func token(_ request: Request) -> String? {
        guard let value = request.cookies[name]?.value, value.utf8.count == 64,
              value.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else { return nil }
        return value
    }

    /// Sets the cookie: HttpOnly, SameSite=Strict, for the whole site, as long as the session lasts.
    static func set(_ token: String, secure: Bool) -> Cookie {
        Cookie(name: name, value: token, maxAge: Int(UserAccount.sessionLifetime.components.seconds), path: BasePath.current.description,
               secure: secure, httpOnly: true, sameSite: .strict)
    }

    /// Tells the browser to forget the cookie.
    static func cleared(secure: Bool) -> Cookie {
        Cookie(name: name, value: "", maxAge: 0, path: BasePath.current.description, secure: secure, httpOnly: true, sameSite: .strict)
    }

    /// Whether the browser reached us over https (directly or through a proxy that says so):
    /// only then may cookies carry `Secure`, since the daemon serves plain http by default.
    static func isSecure(_ request: Request) -> Bool {
        if request.head.scheme == "https" { return true }
        let forwarded = request.headers[.xForwardedProto]?.split(separator: ",").first
        return forwarded?.trimmingCharacters(in: .whitespaces).lowercased() == "https"
    }
}

extension HTTPFields.Element.Name {
    /// Set by a reverse proxy: the scheme the browser used.
    static let xForwardedProto = Self("X-Forwarded-Proto")!
    /// Set by browsers: whether a request comes from the same site, another site, or none.
    static let secFetchSite = Self("Sec-Fetch-Site")!
}
