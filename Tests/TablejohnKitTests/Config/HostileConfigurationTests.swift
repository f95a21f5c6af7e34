import Foundation
import Testing
import TestSupport
@testable import TablejohnKit

@Suite("Hostile configuration files")
struct HostileConfigurationTests {
    /// Parses bytes as `load(path:)` reads them and returns the one line a user would see.
    func refusal(_ bytes: [UInt8]) -> String? {
        let error = #expect(throws: ConfigurationError.self) { try TablejohnConfiguration.parse(Data(bytes), file: "my.toml") }
        return error?.description
    }

    /// Text with one raw byte in it (one that cannot be written in a Swift string).
    static func text(_ before: String, _ byte: UInt8, _ after: String) -> [UInt8] {
        Array(before.utf8) + [byte] + Array(after.utf8)
    }

    static let oddInputs: [(bytes: [UInt8], message: String)] = [
        (text("[web]\npublic = true", 0, "\n"), "my.toml:2: Error while parsing boolean: expected value-terminator, saw '\\u0000'"),
        (text("[web]\npub", 0, "lic = true\n"), "my.toml:2: Error while parsing key-value pair: expected '=', saw '\\u0000'"),
        (text("[web]\npublic = ", 1, "\n"), "my.toml:2: Error while parsing value: unexpected control character"),
        (text("[repo]\nurl = \"", 0xff, "\"\n"), "my.toml:2: Encountered invalid utf-8 sequence"),
        (text("[repo]\n# caf", 0xe9, "\n"), "my.toml:2: Encountered invalid utf-8 sequence"),
        ([0xff, 0xfe, 0x5b, 0x00, 0x77, 0x00], "my.toml:1: Encountered invalid utf-8 sequence"),
        (Array("[repo]\nurl = \"\\ud800\"\n".utf8),
         "my.toml:2: Error while parsing unicode scalar sequence: unicode surrogates (U+D800 - U+DFFF) are explicitly prohibited"),
    ]

    @Test("NUL bytes, control characters, invalid UTF-8 and surrogates are errors naming the file and line", arguments: oddInputs)
    func oddBytes(bytes: [UInt8], message: String) {
        #expect(refusal(bytes) == message)
    }

    static let numberInputs: [(text: String, message: String?)] = [
        ("[detect]\nwindow = 99999999999999999999\n",
         "my.toml:2: Error while parsing decimal integer: '99999999999999999999' is not representable in 64 bits"),
        ("[detect]\nwindow = -9223372036854775809\n",
         "my.toml:2: Error while parsing decimal integer: '9223372036854775809' is not representable in 64 bits"),
        ("[repo]\narchive-max-bytes = 0x1_0000_0000_0000_0000\n",
         "my.toml:2: Error while parsing hexadecimal integer: '0x10000000000000000' is not representable in 64 bits"),
        ("[detect]\nconfidence = 1e400\n", "my.toml:2: Error while parsing floating-point: '1e400' could not be interpreted as a value"),
        // The extremes toml++ accepts reach the key's own check.
        ("[detect]\nwindow = -9223372036854775808\n", "my.toml:2: [detect] window: expected a whole number of commits from 10 to 1000000"),
        ("[repo]\narchive-max-entries = 0x7fff_ffff_ffff_ffff\n", nil),
    ]

    @Test("integers beyond 64 bits and floats beyond a double are refused by name", arguments: numberInputs)
    func hugeNumbers(text: String, message: String?) throws {
        if let message {
            #expect(refusal(Array(text.utf8)) == message)
        } else {
            #expect(try TablejohnConfiguration.parse(text, file: "my.toml").repo.archiveLimits.entries == Int.max)
        }
    }

    @Test("dates and times, valid TOML, are refused where they were written: a value that lost its quotes", arguments: [
        "[archive]\nafter = 2026-01-01\n", "[archive]\nafter = 07:30:00\n", "[archive]\nafter = 1979-05-27T07:32:00Z\n",
        "[archive]\nafter = 1979-05-27 07:32:00.999\n",
    ])
    func dates(text: String) {
        #expect(refusal(Array(text.utf8)) == "my.toml:2: dates and times are not supported here; write the value as a string")
    }

    static let deepInputs: [(text: String, line: Int)] = [
        (String(repeating: "a.", count: 100_000) + "a = 1\n", 1),
        ("# deep\n[" + String(repeating: "a.", count: 100_000) + "a]\n", 2),
        ("a = " + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "\n", 1),
        ("a = " + String(repeating: "{b = ", count: 10_000) + "1" + String(repeating: "}", count: 10_000) + "\n", 1),
        // A dotted key inside each of 100 inline tables under a 60-level header: 60 + 100 × 2 levels.
        ("[" + String(repeating: "a.", count: 59) + "a]\nb = " + String(repeating: "{c.d = ", count: 100) + "1"
            + String(repeating: "}", count: 100) + "\n", 2),
    ]

    @Test("deep nesting by dotted keys, headers, arrays or inline tables is an error, not a stack overflow", arguments: deepInputs)
    func deepNesting(text: String, line: Int) {
        #expect(refusal(Array(text.utf8)) == "my.toml:\(line): tables, arrays and dotted keys nest more than 128 levels deep")
    }

    @Test("nesting up to the limit parses, and dots inside strings, comments and floats do not count")
    func nestingWithinTheLimit() throws {
        let text = "[" + String(repeating: "a.", count: 60) + "a]\n" + String(repeating: "b.", count: 60) + "b = 1\n"
            + "\"" + String(repeating: ".", count: 500) + "\" = 1 # " + String(repeating: ".", count: 500) + "\n"
            + "[x]\nfloats = [" + Array(repeating: "1.5", count: 500).joined(separator: ", ") + "]\n"
            + "text = \"\"\"\n" + String(repeating: ".", count: 500) + "\n\"\"\"\n"
        let table = try TOMLParser.parse(text)
        guard case .table(let x)? = table["x"]?.value, case .array(let floats)? = x["floats"]?.value else {
            Issue.record("missing [x] floats")
            return
        }
        #expect(floats.count == 500)
        #expect(x["text"]?.line == 6)
    }

    @Test("a file larger than 1 MiB is refused before it is parsed; so is an endless one")
    func hugeFiles() throws {
        let huge = "# " + String(repeating: "x", count: TablejohnConfiguration.maximumFileBytes) + "\n"
        #expect(refusal(Array(huge.utf8)) == "my.toml: the file is larger than 1 MiB; a configuration is a few kilobytes")
        let endless = #expect(throws: ConfigurationError.self) { try TablejohnConfiguration.load(path: "/dev/zero") }
        #expect(endless?.description == "/dev/zero: the file is larger than 1 MiB; a configuration is a few kilobytes")
        let folder = #expect(throws: ConfigurationError.self) { try TablejohnConfiguration.load(path: "/tmp") }
        #expect(folder?.description == "/tmp: cannot read the file")
    }

    @Test("a file just under 1 MiB of comments and keys loads")
    func largeButAllowed() throws {
        let path = try TemporaryFolder.make(prefix: "tj-config") + "/big.toml"
        let comment = "# " + String(repeating: "x", count: 1000) + "\n"
        let text = String(repeating: comment, count: TablejohnConfiguration.maximumFileBytes / comment.utf8.count - 1)
            + "[repo]\nfetch-interval = \"5m\"\n"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try TablejohnConfiguration.load(path: path).repo.fetchInterval == .seconds(300))
    }

    @Test("keys are reported in the order written (toml++ sorts them), with their lines, in CRLF files too", arguments: [
        ("[web]\nzzz = 1\naaa = 2\n", "my.toml:2: [web] zzz: unknown key"),
        ("[zeta]\nx = 1\n[alpha]\ny = 2\n", "my.toml:1: zeta: unknown section"),
        ("[repo]\r\n\r\nfetch-interval = true\r\n",
         "my.toml:3: [repo] fetch-interval: expected a positive duration such as 60 (seconds) or \"5m\", found a boolean"),
        ("[web]\n\"a\\nb\" = 1\n", "my.toml:2: [web] \"a\\nb\": unknown key"),
        ("[web]\n\"a\\u0000b\" = 1\n", "my.toml:2: [web] \"a\\0b\": unknown key"),
    ])
    func order(text: String, message: String) {
        #expect(refusal(Array(text.utf8)) == message)
    }

    @Test("text that fails toml++ 3.3.0's own checks is an error, not an abort; quoted non-ASCII keys are read")
    func tomlPlusPlusChecks() throws {
        #expect(refusal(Array("[runner]\n[{r.s]]\n".utf8))
            == "my.toml:2: Error while parsing key: expected bare key starting character or string delimiter, saw '{'")
        #expect(refusal(Array("[\"café\"]\nx = 1\n".utf8)) == "my.toml:1: café: unknown section")
        #expect(try TOMLParser.parse("a = \"\"\"x\\\n   é\"\"\"\n")["a"]?.value == .string("xé"))
    }

    @Test("a byte order mark is allowed")
    func byteOrderMark() throws {
        let configuration = try TablejohnConfiguration.parse(Data([0xef, 0xbb, 0xbf] + Array("[web]\npublic = false\n".utf8)), file: "my.toml")
        #expect(configuration.web.isPublic == false)
    }
}
