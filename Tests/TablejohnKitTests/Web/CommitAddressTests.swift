import Foundation
import Hummingbird
import Testing
import TestSupport
@testable import TablejohnKit

@Suite("Commit addresses")
struct CommitAddressTests {
    @Test("git's search and reflog syntax gets a 400 page saying what is accepted; ~N and ^N steps still redirect")
    func publicSyntaxOnly() async throws {
        var hashes: [String] = []
        let fixture = try PageFixture { repo in
            hashes = try repo.commits(3)
        }
        for path in ["/commit/:%2F(%5Cw+%5Cs%3F)+$x/", "/commit/main%5E%7B%2Fchange%7D/", "/commit/main@%7B1%7D/",
                     "/commit/main~999999/", "/commit/main..main/"] {
            let answer = try await fixture.get(path)
            #expect(answer.status == .badRequest, "\(path)")
            #expect(answer.body.contains("<h1>Not accepted</h1>"), "\(path)")
            #expect(answer.body.contains("a public address names a commit as a ref"), "\(path)")
        }
        let back = try await fixture.get("/commit/main~2/")
        #expect(back.status == .found)
        #expect(back.location == "/commit/\(hashes[0])/")
        let parent = try await fixture.get("/commit/\(hashes[2].prefix(6))%5E/")
        #expect(parent.location == "/commit/\(hashes[1])/")
        let pastRoot = try await fixture.get("/commit/main~3/")
        #expect(pastRoot.status == .notFound)
    }
}
