// POST /api/hook: a forge's push webhook, checked against [repo] hook-secret, asks the sync loop for a fetch now.
import Foundation
import Hummingbird
import NIOCore

/// The push hook. Without a secret it answers 404; a missing or wrong signature is
/// 401 and does nothing; a body past `maximumBodyBytes` is 413. A good delivery asks
/// the sync loop for a round (a burst of them coalesces into one) and answers 202.
enum PushHookRoute {
    /// Pushes carry the forge's description of the commits; a megabyte is plenty.
    static let maximumBodyBytes = 1 << 20

    static func add(to router: some RouterMethods<WebRequestContext>, secret: HookSecret?, requestFetch: @escaping @Sendable () -> Void) {
        router.post("/api/hook") { request, _ in try await response(request, secret: secret, requestFetch: requestFetch) }
    }

    /// The answer to one delivery.
    static func response(_ request: Request, secret: HookSecret?, requestFetch: @Sendable () -> Void) async throws -> Response {
        guard let secret else {
            return .plainText(.notFound, "push hooks are off; set [repo] hook-secret")
        }
        guard let credential = credential(request) else {
            return unauthorized("a push hook needs X-Hub-Signature-256 (GitHub) or X-Gitlab-Token (GitLab) made with [repo] hook-secret")
        }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maximumBodyBytes {
            return tooLarge
        }
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: maximumBodyBytes)
        } catch is NIOTooManyBytesError {
            return tooLarge
        }
        guard secret.accepts(credential, body: body.readableBytesView) else {
            return unauthorized("the push hook's signature does not match [repo] hook-secret")
        }
        requestFetch()
        return Response(status: .accepted, headers: [.contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(string: "{\"fetch\":\"requested\"}\n")))
    }

    /// GitHub's signature when the request has one, else GitLab's token.
    static func credential(_ request: Request) -> HookSecret.Credential? {
        if let signature = request.headers[.xHubSignature256] { return .githubSignature(signature) }
        if let token = request.headers[.xGitlabToken] { return .gitlabToken(token) }
        return nil
    }

    private static func unauthorized(_ message: String) -> Response {
        .plainText(.unauthorized, message)
    }

    private static var tooLarge: Response {
        .plainText(.contentTooLarge, "a push hook's body may be at most \(maximumBodyBytes >> 20) MiB")
    }
}

extension HTTPFields.Element.Name {
    /// GitHub's webhook signature: `sha256=` and the hex HMAC-SHA256 of the body.
    static let xHubSignature256 = Self("X-Hub-Signature-256")!
    /// GitLab's webhook secret token, sent as is.
    static let xGitlabToken = Self("X-Gitlab-Token")!
}
