import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import TablejohnKit

/// The admin forms and the control socket call the same actions (`AdminCommands`).
extension AuthRoutesTests {
    @Test("the queue form takes what queue.add takes, a range included, and refuses with the same rule")
    func queueFormIsQueueAdd() async throws {
        try await app().test(.router) { client in
            var admin = TestBrowser()
            try await logIn(client, "admin", "admin password", as: &admin)
            let csrf = try await sessionCSRF(client, as: &admin)

            // Given a range, when it is posted, then its commits are queued as queue.add would.
            let range = "\(hashes[0])..\(hashes[2])"
            let added = try await post(client, "/admin/queue/add", [("commit", range), ("priority", "2"), ("csrf", csrf)], as: &admin)
            #expect(added.status == .seeOther)
            #expect(Set(try store.queue().map(\.hash)) == [hashes[1], hashes[2]])

            // A priority the rule refuses: 400, its message, and the queue as it was.
            let refused = try await post(client, "/admin/queue/priority", [("commit", hashes[1]), ("priority", "-1000001"), ("csrf", csrf)],
                                         as: &admin)
            #expect(refused.status == .badRequest)
            #expect(String(buffer: refused.body).contains("The priority must be a whole number from -1000000 to 1000000."))
            #expect(try store.queue().map(\.priority) == [2, 2])
        }
    }
}

extension AuthRoutesTests {
    @Test("hostile queue form values are refused with a clear page and change nothing: a range past 10,000 commits, empty ends, control bytes")
    func queueFormHostileRanges() async throws {
        // Given a history longer than one action may queue
        _ = try repo.generateHistory(10_050)
        _ = await sync.runRound()
        try await app().test(.router) { client in
            var admin = TestBrowser()
            try await logIn(client, "admin", "admin password", as: &admin)
            let csrf = try await sessionCSRF(client, as: &admin)
            let before = try store.queue(limit: 100_000).map { "\($0.hash) \($0.priority)" }
            let cases: [(commit: String, message: String)] = [
                ("..main", "names more than 10000 commits; narrow the range."),
                ("nope..main", "No ref or commit named nope."),
            ]
            for (commit, message) in cases {
                let refused = try await post(client, "/admin/queue/add", [("commit", commit), ("csrf", csrf)], as: &admin)
                #expect(refused.status == .badRequest, "\(commit.debugDescription)")
                #expect(String(buffer: refused.body).contains(HTMLEscaping.escape(message)), "\(commit.debugDescription)")
            }
            for commit in ["..", "main\u{1}..main", String(repeating: ".", count: 5_000)] {
                let refused = try await post(client, "/admin/queue/add", [("commit", commit), ("csrf", csrf)], as: &admin)
                #expect(refused.status == .badRequest, "\(commit.prefix(20).debugDescription)")
            }
            #expect(try store.queue(limit: 100_000).map { "\($0.hash) \($0.priority)" } == before)
        }
    }
}
