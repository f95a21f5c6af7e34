// HTTP calls from a runner to one server: the status call and tree archives.
import AsyncHTTPClient
import Foundation
import NIOCore

/// A failed call to a server: no answer, or an answer that is not a success.
struct RunnerClientError: Error, CustomStringConvertible {
    /// The HTTP status, when the server answered.
    var status: Int?
    var message: String
    /// The server's `Retry-After`, in milliseconds (a `503`).
    var retryAfter: Int64?
    var description: String { message }
}

/// Talks to one tablejohn server as runner `name` with `token` (HTTP Basic auth).
struct RunnerServerClient: Sendable {
    let url: String
    private let authorization: String
    private let client: HTTPClient

    static let requestTimeout: TimeAmount = .seconds(30)
    static let archiveTimeout: TimeAmount = .minutes(10)
    static let maximumArchiveBytes = 2 << 30

    init(url: String, name: String, token: String, client: HTTPClient) {
        self.url = url.hasSuffix("/") ? String(url.dropLast()) : url
        self.authorization = "Basic " + Data("\(name):\(token)".utf8).base64EncodedString()
        self.client = client
    }

    /// An HTTP client for runners: a refused connection fails the call at once instead of
    /// being retried inside the client until the request's deadline, because the runner
    /// has its own backoff and must keep its loop (and the results it holds) moving.
    static func makeHTTPClient() -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(60))
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Sends a status call and reads the reply.
    func status(_ body: JSONValue) async throws -> RunnerProtocol.StatusReply {
        var request = HTTPClientRequest(url: url + "/api/runner/status")
        request.method = .POST
        request.headers.add(name: "Authorization", value: authorization)
        request.headers.add(name: "Content-Type", value: "application/json")
        let encoded: [UInt8]
        do {
            encoded = try body.serialized()
        } catch {
            throw RunnerClientError(status: nil, message: "the status call cannot be encoded as JSON: \(error)")
        }
        request.body = .bytes(ByteBuffer(bytes: encoded))
        let bytes = try await send(request, timeout: Self.requestTimeout, limit: 1 << 20)
        do {
            return try RunnerProtocol.StatusReply(json: try JSONValue.parse(bytes))
        } catch {
            throw RunnerClientError(status: 200, message: "\(url): unusable reply: \(error)")
        }
    }

    /// The tree of `hash` (of the bench repository when `benchRepo`) as tar.gz bytes.
    func treeArchive(hash: String, benchRepo: Bool) async throws -> [UInt8] {
        var request = HTTPClientRequest(url: url + "/api/runner/\(benchRepo ? "bench-repo" : "repo")/\(hash)/tree.tar.gz")
        request.headers.add(name: "Authorization", value: authorization)
        return try await send(request, timeout: Self.archiveTimeout, limit: Self.maximumArchiveBytes)
    }

    private func send(_ request: HTTPClientRequest, timeout: TimeAmount, limit: Int) async throws -> [UInt8] {
        let response: HTTPClientResponse
        let body: ByteBuffer
        do {
            response = try await client.execute(request, timeout: timeout)
            body = try await response.body.collect(upTo: limit)
        } catch {
            throw RunnerClientError(status: nil, message: "\(url): \(error)")
        }
        guard response.status == .ok else {
            let text = String(String(buffer: body).trimmingCharacters(in: .whitespacesAndNewlines).prefix(500))
            // Seconds, as HTTP says; a date or nonsense leaves it to the runner's backoff.
            let retryAfter = response.headers.first(name: "Retry-After").flatMap { Int64($0.trimmingCharacters(in: .whitespaces)) }
                .flatMap { $0 >= 0 && $0 < 1_000_000 ? $0 * 1000 : nil }
            throw RunnerClientError(status: Int(response.status.code), message: "\(url): \(response.status.code) \(text)",
                                    retryAfter: retryAfter)
        }
        return Array(body.readableBytesView)
    }
}
