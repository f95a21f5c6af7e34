import Foundation
import Testing
import TestSupport
@testable import TablejohnKit

@Suite("Catch2 XML: entities in hostile documents")
struct Catch2EntityTests {
    @Test("an external entity is never loaded: no file's content reaches a metric")
    func externalEntity() throws {
        let folder = try TemporaryFolder.make(prefix: "tj-xxe")
        try "SECRET-FROM-DISK".write(toFile: folder + "/secret.txt", atomically: true, encoding: .utf8)
        let output = """
            <?xml version="1.0"?>
            <!DOCTYPE Catch2TestRun [<!ENTITY x SYSTEM "file://\(folder)/secret.txt">]>
            <Catch2TestRun name="b"><TestCase name="t">
            <BenchmarkResults name="leak"><mean value="1" lowerBound="1" upperBound="1"/>&x;</BenchmarkResults>
            <BenchmarkResults name="&x;"><mean value="2" lowerBound="2" upperBound="2"/></BenchmarkResults>
            </TestCase></Catch2TestRun>
            """
        let read = Result { try readResults(output, expecting: .catch2) }
        #expect(!"\(read)".contains("SECRET-FROM-DISK"))
    }

    @Test("nested entities that expand to a billion characters are an error, not a hang")
    func entityExpansion() {
        let levels = (1...8).map { level in
            "<!ENTITY e\(level) \"" + String(repeating: "&e\(level - 1);", count: 10) + "\">"
        }.joined()
        let output = """
            <?xml version="1.0"?>
            <!DOCTYPE Catch2TestRun [<!ENTITY e0 "0123456789">\(levels)]>
            <Catch2TestRun name="b"><TestCase name="t">
            <BenchmarkResults name="bomb"><mean value="1" lowerBound="1" upperBound="1"/>&e8;</BenchmarkResults>
            </TestCase></Catch2TestRun>
            """
        #expect(throws: (any Error).self) { try readResults(output, expecting: .catch2) }
    }
}
