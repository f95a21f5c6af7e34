import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Synchronization
import Testing
import TestSupport
@testable import TablejohnKit

/// Counts the fetches the hook asked for.
final class FetchCounter: Sendable {
    private let count = Mutex(0)
    var value: Int { count.withLock { $0 } }
    func request() { count.withLock { $0 += 1 } }
}

@Suite("Push hook: POST /api/hook checks the forge's signature and asks for a fetch")
struct PushHookRouteTests {
    static let secret = "a push hook secret of some length"
    static let body = #"{"ref":"refs/heads/main","after":"0123456789abcdef0123456789abcdef01234567"}"#

    let repo: TestRepository
    let store: Store
    let sync: SyncService
    let fetches = FetchCounter()

    init() async throws {
        repo = try TestRepository()
        _ = try repo.commits(1)
        store = try Store.inMemory()
        let git = try GitRepository(opening: repo.path)
        sync = SyncService(repository: git, store: store, remote: nil, interval: .seconds(60), logger: Logger(label: "test"))
        _ = await sync.runRound()
    }

    func app(secret: String? = Self.secret, isPublic: Bool = true) throws -> some ApplicationProtocol {
        let git = try GitRepository(opening: repo.path)
        var web = WebContext(store: store, sync: sync.status, repositoryPath: repo.path,
                             resolver: RevisionResolver(store: store, repository: git), isPublic: isPublic, syncService: sync)
        web.hookSecret = secret.flatMap(HookSecret.init)
        web.requestFetch = { [fetches] in fetches.request() }
        return Application(router: WebRoutes.router(web))
    }

    static func github(_ body: String, key: String = secret) -> HTTPFields {
        [.xHubSignature256: HookSecret.signature(of: Data(body.utf8), key: key), .contentType: "application/json"]
    }

    func post(_ client: some TestClientProtocol, headers: HTTPFields, body: String = Self.body) async throws -> TestResponse {
        try await client.execute(uri: "/api/hook", method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    @Test("Given GitHub's signature of the body, the hook answers 202 and asks for one fetch")
    func githubSignature() async throws {
        try await app().test(.router) { client in
            let response = try await post(client, headers: Self.github(Self.body))
            #expect(response.status == .accepted)
            #expect(String(buffer: response.body) == "{\"fetch\":\"requested\"}\n")
            #expect(response.headers[.contentType] == "application/json")
        }
        #expect(fetches.value == 1)
    }

    @Test("Given GitLab's token, the hook answers 202 and asks for a fetch")
    func gitlabToken() async throws {
        try await app().test(.router) { client in
            let response = try await post(client, headers: [.xGitlabToken: Self.secret])
            #expect(response.status == .accepted)
        }
        #expect(fetches.value == 1)
    }

    @Test("Given a forged, stale or missing credential, the hook answers 401 and fetches nothing",
          arguments: [
            ("no credential", HTTPFields()),
            ("signed with another key", github(body, key: "another secret of some length")),
            ("signature of another body", github(#"{"ref":"refs/heads/other"}"#)),
            ("bare hex without sha256=", [.xHubSignature256: String(HookSecret.signature(of: Data(body.utf8), key: secret).dropFirst(7))]),
            ("truncated signature", [.xHubSignature256: String(HookSecret.signature(of: Data(body.utf8), key: secret).dropLast())]),
            ("empty signature", [.xHubSignature256: ""]),
            ("wrong GitLab token", [.xGitlabToken: "a push hook secret of some lengtX"]),
            ("GitLab token as a prefix", [.xGitlabToken: "a push hook secret"]),
          ] as [(String, HTTPFields)])
    func refused(_ name: String, _ headers: HTTPFields) async throws {
        try await app().test(.router) { client in
            let response = try await post(client, headers: headers)
            #expect(response.status == .unauthorized, "\(name)")
            #expect(String(buffer: response.body).contains("hook-secret"), "\(name)")
        }
        #expect(fetches.value == 0, "\(name)")
    }

    @Test("Given a signature in upper-case hex, the hook accepts it")
    func upperCaseHex() async throws {
        let signature = "sha256=" + HookSecret.signature(of: Data(Self.body.utf8), key: Self.secret).dropFirst(7).uppercased()
        try await app().test(.router) { client in
            let response = try await post(client, headers: [.xHubSignature256: signature])
            #expect(response.status == .accepted)
        }
        #expect(fetches.value == 1)
    }

    @Test("Given no hook-secret, the hook answers 404 saying how to turn it on, even with a valid-looking signature")
    func off() async throws {
        try await app(secret: nil).test(.router) { client in
            let response = try await post(client, headers: Self.github(Self.body))
            #expect(response.status == .notFound)
            #expect(String(buffer: response.body) == "push hooks are off; set [repo] hook-secret\n")
        }
        #expect(fetches.value == 0)
    }

    @Test("Given a body over 1 MiB, the hook answers 413 and fetches nothing")
    func tooLarge() async throws {
        let huge = String(repeating: "x", count: (1 << 20) + 1)
        try await app().test(.router) { client in
            let response = try await post(client, headers: Self.github(huge), body: huge)
            #expect(response.status == .contentTooLarge)
        }
        #expect(fetches.value == 0)
    }

    @Test("Given a private instance, the hook is still reached without a session")
    func privateInstance() async throws {
        try await app(isPublic: false).test(.router) { client in
            let signed = try await post(client, headers: Self.github(Self.body))
            #expect(signed.status == .accepted)
            let unsigned = try await post(client, headers: [:])
            #expect(unsigned.status == .unauthorized)
            // The pages stay private.
            let page = try await client.execute(uri: "/", method: .get)
            #expect(page.status == .seeOther)
        }
        #expect(fetches.value == 1)
    }

    @Test("Given a burst of good deliveries, each is answered 202")
    func burst() async throws {
        try await app().test(.router) { client in
            for _ in 0..<5 {
                let response = try await post(client, headers: Self.github(Self.body))
                #expect(response.status == .accepted)
            }
        }
        #expect(fetches.value == 5)
    }

    @Test("Given GET /api/hook, nothing is fetched")
    func getIsNotAHook() async throws {
        try await app().test(.router) { client in
            let response = try await client.execute(uri: "/api/hook", method: .get, headers: Self.github(""))
            #expect(response.status != .accepted)
        }
        #expect(fetches.value == 0)
    }
}
