// libtest lines whose bench marker starts inside "test ".
import Testing
@testable import TablejohnKit

@Suite("libtest bench marker")
struct LibtestMarkerTests {
    @Test("\"test ... bench:\" has no benchmark name: an error, not a crash (found by contrib/fuzz.sh results)")
    func markerRightAfterTest() {
        let output = "test ... bench:        :in\n"
        let error = #expect(throws: ResultFormatError.self) { try ResultReader.read(Array(output.utf8), format: .libtest) }
        #expect(error?.description == "Rust libtest bench: no measurements found")
        #expect(throws: ResultFormatError.self) { try ResultReader.read(Array(output.utf8)) }
    }

    @Test("a named line next to it is still read")
    func namedLine() throws {
        let output = "test ... bench: 1 ns/iter (+/- 1)\ntest add ... bench:       1,234 ns/iter (+/- 56)\n"
        let (_, measurements) = try ResultReader.read(Array(output.utf8), format: .libtest)
        #expect(try measurements == [Measurement(metric: "add/ns_per_iter", value: 1234, unit: "ns", lower: 1178, upper: 1290)])
    }
}
