// The runner API (RUNNERS.md) and external results (POST /api/runs): Basic auth with runner tokens, size limits, then RunnerService.
import Foundation
import Hummingbird
import NIOCore

enum RunnerRoutes {
    static func add(to router: some RouterMethods<WebRequestContext>, runners: RunnerService, resolver: RevisionResolver) {
        // Storage trouble anywhere below is 503 with Retry-After (HTTPErrorAnswer), so a
        // runner keeps its results and retries; the other errors thrown are 400 or 404.
        router.post("/api/runs") { request, _ in
            let (name, bytes): (String, ByteBuffer)
            switch try await admit(request, runners) {
            case .admitted(let runner, let body): (name, bytes) = (runner, body)
            case .refused(let response): return response
            }
            let query = request.uri.queryParameters
            guard let revision = query["commit"].map(String.init), !revision.isEmpty else {
                return .plainText(.badRequest, "give the commit the results belong to: POST /api/runs?commit=REV[&format=F]")
            }
            var format: ResultFormat?
            if let name = query["format"].map(String.init) {
                guard let known = ResultFormat(rawValue: name) else {
                    return .plainText(.badRequest, "unknown format \(name.debugDescription); formats: \(ResultReader.names)")
                }
                format = known
            }
            var fingerprint: JSONValue?
            if let text = query["fingerprint"].map(String.init) {
                guard let value = try? JSONValue.parse(Array(text.utf8)), value.objectValue != nil else {
                    return .plainText(.badRequest, "fingerprint must be a JSON object")
                }
                fingerprint = value
            }
            let commit = try resolver.commit(public: revision)
            let built: (run: Run, formats: [ResultFormat])
            do throws(ExternalRunError) {
                built = try ExternalRun.fromResults([("the body", Array(bytes.readableBytesView))], commit: commit, format: format,
                                                    runner: name, fingerprint: fingerprint, now: Timestamp.now())
            } catch {
                runners.metrics?.submission(.api, .refused, duration: nil)
                return .plainText(.badRequest, error.message)
            }
            _ = try await runners.record(built.run)
            let reply: JSONValue = ["id": .string(built.run.id), "commit": .string(commit),
                                    "formats": .array(built.formats.map { .string($0.rawValue) }),
                                    "measurements": JSONValue(built.run.measurements.count)]
            return Response(status: .ok, headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(bytes: try reply.serialized())))
        }
        router.post("/api/runner/status") { request, _ in
            let (name, bytes): (String, ByteBuffer)
            switch try await admit(request, runners) {
            case .admitted(let runner, let body): (name, bytes) = (runner, body)
            case .refused(let response): return response
            }
            let body: JSONValue
            do {
                body = try JSONValue.parse(Array(bytes.readableBytesView))
            } catch {
                return .plainText(.badRequest, "the body is not JSON: \(error)")
            }
            let reply = try await runners.status(name: name, body: body, now: Timestamp.now())
            let encoded = (try? reply.serialized()) ?? Array("{}".utf8)
            return Response(status: .ok, headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(bytes: encoded)))
        }
        for (path, benchRepo) in [("/api/runner/repo/:hash/tree.tar.gz", false), ("/api/runner/bench-repo/:hash/tree.tar.gz", true)] {
            router.get(RouterPath(path)) { request, context in
                guard try authenticated(request, runners) != nil else { return unauthorized }
                let hash = context.parameters.get("hash") ?? ""
                // The tree is measured against the limits before the answer starts, so a
                // refusal is a status and message the runner shows; then it streams piece by
                // piece from git's own threads.
                let stream = try await GitWorkers.run { try runners.treeArchive(hash: hash, benchRepo: benchRepo) }
                let body = ResponseBody { writer in
                    while let piece = try await GitWorkers.run({ try stream.next() }) {
                        try await writer.write(ByteBuffer(bytes: piece))
                    }
                    try await writer.finish(nil)
                }
                return Response(status: .ok, headers: [.contentType: "application/gzip"], body: body)
            }
        }
    }

    private enum Admission {
        case admitted(runner: String, body: ByteBuffer)
        case refused(Response)
    }

    /// The runner and body of a request with valid credentials and a body within the
    /// limit (401 and 413 otherwise; the limit is checked before the body is read when
    /// the request declares its length).
    private static func admit(_ request: Request, _ runners: RunnerService) async throws -> Admission {
        guard let name = try authenticated(request, runners) else { return .refused(unauthorized) }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > RunnerService.maximumBodyBytes {
            return .refused(tooLarge)
        }
        var request = request
        do {
            return .admitted(runner: name, body: try await request.collectBody(upTo: RunnerService.maximumBodyBytes))
        } catch is NIOTooManyBytesError {
            return .refused(tooLarge)
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
        .plainText(.contentTooLarge, "the request is larger than \(RunnerService.maximumBodyBytes >> 20) MiB; "
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
