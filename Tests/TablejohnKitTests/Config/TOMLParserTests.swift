import Testing
import TestSupport
@testable import TablejohnKit

@Suite("TOML parser")
struct TOMLParserTests {
    @Test("reads the value types a configuration uses, with the line of every key")
    func values() throws {
        let table = try TOMLParser.parse("""
            # comment
            title = "tablejohn" # trailing comment
            count = 1_000
            hex = 0xff
            ratio = -2.5e3
            on = true
            list = [
              "a", 'b', # comment inside
              "c",
            ]
            [server.web]
            address = "127.0.0.1:8221"
            inline = { a = 1, b.c = "x" }
            """)

        #expect(table["title"] == .init(value: .string("tablejohn"), line: 2))
        #expect(table["count"]?.value == .integer(1000))
        #expect(table["hex"]?.value == .integer(255))
        #expect(table["ratio"]?.value == .float(-2500))
        #expect(table["on"]?.value == .bool(true))
        #expect(table["list"]?.value == .array([.string("a"), .string("b"), .string("c")]))
        guard case .table(let server)? = table["server"]?.value, case .table(let web)? = server["web"]?.value else {
            Issue.record("missing [server.web]")
            return
        }
        #expect(web["address"]?.line == 12)
        guard case .table(let inline)? = web["inline"]?.value, case .table(let b)? = inline["b"]?.value else {
            Issue.record("missing inline table")
            return
        }
        #expect(inline["a"]?.value == .integer(1))
        #expect(b["c"]?.value == .string("x"))
    }

    @Test("decodes escapes and multi-line strings")
    func strings() throws {
        let table = try TOMLParser.parse(#"""
            basic = "tab\tquote\" \u00e9"
            literal = 'C:\path'
            multi = """
            one
            two \
              joined"""
            raw = '''
            keep \n this'''
            """#)
        #expect(table["basic"]?.value == .string("tab\tquote\" é"))
        #expect(table["literal"]?.value == .string(#"C:\path"#))
        #expect(table["multi"]?.value == .string("one\ntwo joined"))
        #expect(table["raw"]?.value == .string(#"keep \n this"#))
        #expect(table["raw"]?.line == 7)
    }

    @Test("arrays of tables collect one table per header")
    func arrayOfTables() throws {
        let table = try TOMLParser.parse("""
            [[runner.server]]
            url = "http://a"
            [[runner.server]]
            url = "http://b"
            weight = 2
            """)
        guard case .table(let runner)? = table["runner"]?.value, case .array(let servers)? = runner["server"]?.value else {
            Issue.record("missing [[runner.server]]")
            return
        }
        #expect(servers.count == 2)
        guard case .table(let second) = servers[1] else { return }
        #expect(second["weight"] == .init(value: .integer(2), line: 5))
    }

    @Test("syntax errors name their line, in toml++'s words", arguments: [
        ("a = 1\nb = \n", 2, "Error while parsing key-value pair: expected value, saw '\\n'"),
        ("a = 1\na = 2\n", 2, "Error while parsing key-value pair: cannot redefine existing integer 'a'"),
        ("[x]\n[x]\n", 2, "Error while parsing table header: cannot redefine existing table 'x'"),
        ("a = \"open\n", 1, "Error while parsing string: unescaped control characters other than TAB (U+0009) are explicitly prohibited (is a closing quote missing?)"),
        ("a = yes\n", 1, "Error while parsing value: could not determine value type (text needs quotes: name = \"value\")"),
        ("a = 1 b = 2\n", 1, "Error while parsing key-value pair: expected a comment or whitespace, saw 'b'"),
        ("\n\nwhen = 2024-01-01\n", 3, "dates and times are not supported here; write the value as a string"),
        // toml++ puts the end of the file at the end of its last line (a final newline starts no new one).
        ("a = [1, 2\n", 1, "Error while parsing array: encountered end-of-file"),
        ("a = 007\n", 1, "Error while parsing decimal integer: leading zeroes are prohibited"),
        ("a = \"\\q\"\n", 1, "Error while parsing string: unknown escape sequence '\\q'"),
    ])
    func errors(text: String, line: Int, message: String) {
        #expect(throws: TOMLError(line: line, message: message)) { try TOMLParser.parse(text) }
    }
}
