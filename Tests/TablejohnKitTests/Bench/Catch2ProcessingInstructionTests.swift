// Processing instructions in Catch2 XML: refused before Foundation's XMLParser sees them.
import Testing
@testable import TablejohnKit

@Suite("Catch2 XML processing instructions")
struct Catch2ProcessingInstructionTests {
    @Test("a processing instruction without data is refused with a message instead of crashing the process", arguments: [
        "<?xml version=\"1.0\"?>\n<Catch2TestRun><?pi?></Catch2TestRun>\n",
        "<Catch2TestRun><?pi?><BenchmarkResults name=\"b\"><mean value=\"1\"/></BenchmarkResults></Catch2TestRun>\n",
        // Found by the fuzzer (contrib/fuzz.sh results): a damaged declaration is a processing instruction too.
        "<?xn\u{FFFD}T?>\\<Catch nae=\"b8\"?>\n<Canllame\"s=",
    ])
    func refused(document: String) {
        let error = #expect(throws: ResultFormatError.self) { try ResultReader.read(Array(document.utf8), format: .catch2) }
        #expect(error?.description == "Catch2 XML: processing instructions (<?…?>) other than the XML declaration are not supported")
        #expect(throws: ResultFormatError.self) { try ResultReader.read(Array(document.utf8)) }
    }

    @Test("the XML declaration, with a byte-order mark or without, is not a processing instruction")
    func declaration() throws {
        let body = "<Catch2TestRun><BenchmarkResults name=\"b\"><mean value=\"2\" lowerBound=\"1\" upperBound=\"3\"/></BenchmarkResults></Catch2TestRun>\n"
        for prefix in ["", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", "\u{FEFF}<?xml version=\"1.0\"?>\n"] {
            let (format, measurements) = try ResultReader.read(Array((prefix + body).utf8), format: .catch2)
            #expect(format == .catch2)
            #expect(measurements.first?.metric == "b/mean")
        }
    }
}
