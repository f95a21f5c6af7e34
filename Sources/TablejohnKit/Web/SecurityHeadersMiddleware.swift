// The headers every response carries: a Content-Security-Policy and the browser hardening ones.
import Hummingbird

/// Adds `Content-Security-Policy`, `X-Content-Type-Options`, `X-Frame-Options` and
/// `Referrer-Policy` to every response, errors included. Pages load scripts and styles
/// only from /static/; inline styles stay allowed because dygraphs writes its legend's
/// colours as `style` attributes.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        SecurityHeaders.add(to: &response)
        return response
    }
}

/// The hardening headers, also for the answers given before the router (outside `[web] base-path`).
enum SecurityHeaders {
    static let contentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
            + "object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

    static func add(to response: inout Response) {
        response.headers[.contentSecurityPolicy] = contentSecurityPolicy
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.xFrameOptions] = "DENY"
        response.headers[.referrerPolicy] = "same-origin"
    }
}

extension HTTPFields.Element.Name {
    static let xFrameOptions = Self("X-Frame-Options")!
    static let referrerPolicy = Self("Referrer-Policy")!
}
