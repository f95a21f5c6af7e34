import Foundation
import Testing
@testable import TablejohnKit

@Suite("Repository limits configuration")
struct RepoLimitsConfigurationTests {
    @Test("archive limits and the fetch timeout have generous defaults and read sizes with K, M, G")
    func limits() throws {
        let defaults = try TablejohnConfiguration.parse("", file: "t.toml")
        #expect(defaults.repo.archiveLimits == TreeArchiveLimits(entries: 1_000_000, bytes: 4 << 30, blobBytes: 1 << 30, depth: 64))
        #expect(defaults.repo.fetchTimeout == .seconds(300))

        let configured = try TablejohnConfiguration.parse("""
            [repo]
            fetch-timeout = "30s"
            archive-max-entries = 5_000
            archive-max-bytes = "512M"
            archive-max-blob = "64KiB"
            archive-max-depth = 8
            """, file: "t.toml")
        #expect(configured.repo.archiveLimits == TreeArchiveLimits(entries: 5000, bytes: 512 << 20, blobBytes: 64 << 10, depth: 8))
        #expect(configured.repo.fetchTimeout == .seconds(30))
    }

    @Test("a size that is not one is refused with the key, the line and an example")
    func badSize() {
        for text in ["archive-max-bytes = \"lots\"", "archive-max-blob = 0", "archive-max-depth = \"deep\"", "archive-max-bytes = \"99999999999T\""] {
            let error = #expect(throws: ConfigurationError.self) { try TablejohnConfiguration.parse("[repo]\n" + text, file: "t.toml") }
            #expect(error?.description.contains("t.toml:2") == true, "\(String(describing: error))")
            #expect(error?.description.contains("archive-max-") == true, "\(String(describing: error))")
        }
    }
}
