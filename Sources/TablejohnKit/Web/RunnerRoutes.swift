// POST /api/runner/status: Basic auth with per-runner tokens, a size limit, then RunnerService.
import Foundation
import Hummingbird
import NIOCore

enum RunnerRoutes {
    static func add(to router: Router<BasicRequestContext>, store: Store, runners: RunnerService) {
        router.post("/api/runner/status") { request, _ in
            guard let (name, token) = basicCredentials(request), try store.runnerTokenMatches(name: name, token: token) else {
                var response = Response.plainText(.unauthorized, "a runner name and its token are needed (HTTP Basic auth); tjctl runner add NAME issues one")
                response.headers[.wwwAuthenticate] = "Basic realm=\"tablejohn runners\""
                return response
            }
            if let length = request.headers[.contentLength].flatMap(Int.init), length > RunnerService.maximumBodyBytes {
                return tooLarge
            }
            var request = request
            let bytes: ByteBuffer
            do {
                bytes = try await request.collectBody(upTo: RunnerService.maximumBodyBytes)
            } catch is NIOTooManyBytesError {
                return tooLarge
            }
            let body: JSONValue
            do {
                body = try JSONValue.parse(Array(bytes.readableBytesView))
            } catch {
                return .plainText(.badRequest, "the body is not JSON: \(error)")
            }
            do throws(RunnerAPIError) {
                let reply = try runners.status(name: name, body: body, now: Int64(Date().timeIntervalSince1970 * 1000))
                let encoded = (try? reply.serialized()) ?? Array("{}".utf8)
                return Response(status: .ok, headers: [.contentType: "application/json"],
                                body: .init(byteBuffer: ByteBuffer(bytes: encoded)))
            } catch {
                switch error.kind {
                case .badRequest: return .plainText(.badRequest, error.message)
                case .conflict: return .plainText(.conflict, error.message)
                }
            }
        }
    }

    static var tooLarge: Response {
        .plainText(.contentTooLarge, "the status call is larger than \(RunnerService.maximumBodyBytes >> 20) MiB; "
            + "send fewer output lines or measurements")
    }

    /// The name and password of an `Authorization: Basic …` header.
    static func basicCredentials(_ request: Request) -> (String, String)? {
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("basic "),
              let decoded = Data(base64Encoded: String(header.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
              let text = String(data: decoded, encoding: .utf8), let colon = text.firstIndex(of: ":") else { return nil }
        return (String(text[..<colon]), String(text[text.index(after: colon)...]))
    }
}
