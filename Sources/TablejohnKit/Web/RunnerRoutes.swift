// The runner API (RUNNERS.md): Basic auth with runner tokens, size limits, then RunnerService.
import Foundation
import Hummingbird
import NIOCore

enum RunnerRoutes {
    static func add(to router: Router<BasicRequestContext>, runners: RunnerService) {
        router.post("/api/runner/status") { request, _ in
            guard let name = try authenticated(request, runners) else { return unauthorized }
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
                let reply = try await runners.status(name: name, body: body, now: Timestamp.now())
                let encoded = (try? reply.serialized()) ?? Array("{}".utf8)
                return Response(status: .ok, headers: [.contentType: "application/json"],
                                body: .init(byteBuffer: ByteBuffer(bytes: encoded)))
            } catch {
                return response(error)
            }
        }
        for (path, benchRepo) in [("/api/runner/repo/:hash/tree.tar.gz", false), ("/api/runner/bench-repo/:hash/tree.tar.gz", true)] {
            router.get(RouterPath(path)) { request, context in
                guard try authenticated(request, runners) != nil else { return unauthorized }
                let hash = context.parameters.get("hash") ?? ""
                do throws(RunnerAPIError) {
                    let archive = try runners.treeArchive(hash: hash, benchRepo: benchRepo)
                    return Response(status: .ok, headers: [.contentType: "application/gzip"],
                                    body: .init(byteBuffer: ByteBuffer(bytes: archive)))
                } catch {
                    return response(error)
                }
            }
        }
    }

    private static func response(_ error: RunnerAPIError) -> Response {
        switch error.kind {
        case .badRequest: .plainText(.badRequest, error.message)
        case .conflict: .plainText(.conflict, error.message)
        case .notFound: .plainText(.notFound, error.message)
        }
    }

    /// The runner name of a request whose Basic credentials are valid.
    private static func authenticated(_ request: Request, _ runners: RunnerService) throws -> String? {
        guard let (name, token) = basicCredentials(request), try runners.authenticate(name: name, token: token) else { return nil }
        return name
    }

    private static var unauthorized: Response {
        var response = Response.plainText(.unauthorized, "a runner name and its token are needed (HTTP Basic auth); tjctl runner add NAME issues one")
        response.headers[.wwwAuthenticate] = "Basic realm=\"tablejohn runners\""
        return response
    }

    static var tooLarge: Response {
        .plainText(.contentTooLarge, "the status call is larger than \(RunnerService.maximumBodyBytes >> 20) MiB; "
            + "send fewer output lines or measurements")
    }

    /// The name and password of an `Authorization: Basic …` header.
    static func basicCredentials(_ request: Request) -> (String, String)? {
        guard let header = request.headers[.authorization], header.prefix(6).lowercased() == "basic ",
              let decoded = Data(base64Encoded: String(header.dropFirst(6).drop(while: { $0 == " " }))),
              let text = String(data: decoded, encoding: .utf8), let colon = text.firstIndex(of: ":") else { return nil }
        return (String(text[..<colon]), String(text[text.index(after: colon)...]))
    }
}
