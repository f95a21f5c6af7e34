import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import TestSupport
@testable import TablejohnKit

@Suite("Front page ref groups")
struct RefGroupsTests {
    static let now: Int64 = 1_800_000_000
    static func ref(_ name: String, age days: Int64 = 1, tracked: Bool = false) -> RefSummary {
        RefSummary(name: name, tracked: tracked, hash: String(repeating: "a", count: 40), summary: "", authorName: "",
                   committerTime: now - days * 86_400)
    }

    @Test("tracked, branches, tags, remote-tracking, stale and other refs each in a group, newest first, big groups cut")
    func grouping() {
        var refs = [Self.ref("refs/heads/main", age: 400, tracked: true), Self.ref("refs/heads/fresh", age: 2),
                    Self.ref("refs/heads/older", age: 30), Self.ref("refs/heads/old", age: 95), Self.ref("refs/remotes/origin/main"),
                    Self.ref("refs/notes/commits")]
        refs += (0..<10_000).map { Self.ref("refs/tags/v\($0)", age: Int64(10_000 - $0)) }
        // The newest tip is a day old: staleness counts from it.
        let groups = RefGroups(refs).groups
        #expect(groups.map(\.kind) == [.tracked, .branches, .tags, .remotes, .stale, .other])
        #expect(groups[0].shown.map(\.name) == ["refs/heads/main"])
        #expect(groups[1].shown.map(\.name) == ["refs/heads/fresh", "refs/heads/older"])
        #expect(groups[2].total == 10_000)
        #expect(groups[2].shown.map(\.name) == (9990..<10_000).reversed().map { "refs/tags/v\($0)" })
        #expect(groups[4].shown.map(\.name) == ["refs/heads/old"])
        #expect(RefGroups([]).groups.isEmpty)
    }

    @Test("a repository with 10,000 tags gets a front page of a few kilobytes that names the newest tags and how many more there are")
    func manyTags() async throws {
        let repo = try TestRepository()
        let hash = try repo.commit("tagged")
        let lines = (0..<10_000).map { "\(hash) refs/tags/release-\($0)" }.joined(separator: "\n")
        try ("# pack-refs with: peeled fully-peeled sorted \n" + lines + "\n").write(toFile: repo.path + "/.git/packed-refs",
                                                                                   atomically: true, encoding: .utf8)
        let store = try Store.inMemory()
        _ = try Importer(repository: GitRepository(opening: repo.path), store: store, logger: Logger(label: "test")).run()
        let web = WebContext(store: store, sync: SyncStatus(), repositoryPath: repo.path,
                             resolver: RevisionResolver(store: store, repository: try GitRepository(opening: repo.path)))
        try await Application(router: WebRoutes.router(web)).test(.router) { client in
            let body = String(buffer: try await client.execute(uri: "/", method: .get).body)
            #expect(body.utf8.count < 60_000)
            #expect(body.contains("<details class=\"ref-group\" id=\"refs-tags\"") || body.contains("<section class=\"ref-group\" id=\"refs-tags\">"))
            #expect(body.contains("The newest 10 of 10000; <code>tjctl refs</code> lists them all."))
            #expect(body.components(separatedBy: "release-").count - 1 == 10 * 2)  // the name and its title
            #expect(body.contains(">main</td><td>tracked</td>"))
        }
    }
}

@Suite("Machine fingerprints as people write them")
struct FingerprintDisplayTests {
    static let cases: [(JSONObject, String)] = [
        (["memory": .integer(25_276_502_016)], "memory: 23.5 GiB"),
        (["cpu": "Xeon", "cores": 8, "memory": .integer(8_589_934_592)], "cpu: Xeon · cores: 8 · memory: 8.00 GiB"),
        (["disk_bytes": .integer(1_099_511_627_776), "ram": .integer(512)], "disk_bytes: 1.00 TiB · ram: 512"),
        (["memory": .integer(Int64.max)], "memory: 8.00 EiB"),
        (["memory": "lots"], "memory: lots"),
    ]

    @Test("sizes in bytes read in binary units; other values as given", arguments: cases)
    func display(fingerprint: JSONObject, text: String) {
        #expect(DisplayFormat.fingerprint(.object(fingerprint)) == text)
    }
}
