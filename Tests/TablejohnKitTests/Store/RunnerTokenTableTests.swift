import Foundation
import Testing
import TestSupport
@testable import TablejohnKit

@Suite("Runner tokens kept in memory")
struct RunnerTokenTableTests {
    @Test("a runner added or revoked through the control socket's store counts at once for the runner API's checks")
    func addAndRevokeAtOnce() throws {
        // Given the daemon's layout: one database file, the control socket and the runner
        // API each on a store with a reader of its own
        let folder = try TemporaryFolder.make(prefix: "tokens")
        let root = try Store(path: folder + "/tablejohn.db")
        let control = try root.withDedicatedReader()
        let runners = RunnerAPI(store: try root.withDedicatedReader(), sharedTokens: ["shared-token-0123"])
        let first = try control.addRunner("box-1", now: 1)
        #expect(try runners.authenticate(name: "box-1", token: first))
        #expect(try !runners.authenticate(name: "box-1", token: "shared-token-0123"))
        #expect(try runners.authenticate(name: "box-2", token: "shared-token-0123"))

        // When a second runner is added after the tokens were read
        let second = try control.addRunner("box-2", now: 2)
        // Then its own token works and the shared one no longer does under its name
        #expect(try runners.authenticate(name: "box-2", token: second))
        #expect(try !runners.authenticate(name: "box-2", token: "shared-token-0123"))
        #expect(try !runners.authenticate(name: "box-2", token: first))

        // When the first is revoked
        try control.revokeRunner("box-1")
        // Then its token stops working on the very next check, and the name falls back to the shared token
        #expect(try !runners.authenticate(name: "box-1", token: first))
        #expect(try runners.authenticate(name: "box-1", token: "shared-token-0123"))
        #expect(try runners.authenticate(name: "box-2", token: second))
    }
}
