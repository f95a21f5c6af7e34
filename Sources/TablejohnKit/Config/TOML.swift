// A TOML 1.0 reader that remembers the line of every key, so configuration errors can name it.
// Dates and times are not needed by tablejohn's configuration and are rejected with a clear error.
import Foundation

/// A TOML value.
public indirect enum TOMLValue: Sendable, Equatable {
    case string(String)
    case integer(Int64)
    case float(Double)
    case bool(Bool)
    case array([TOMLValue])
    case table(TOMLTable)

    var typeName: String {
        switch self {
        case .string: "a string"
        case .integer: "an integer"
        case .float: "a float"
        case .bool: "a boolean"
        case .array: "an array"
        case .table: "a table"
        }
    }
}

/// A TOML table: keys in the order written, each with the line it was defined on.
public struct TOMLTable: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var value: TOMLValue
        public var line: Int
    }

    public private(set) var keys: [String] = []
    private var entries: [String: Entry] = [:]
    /// Where the table was opened (its header, or its first key).
    public var line: Int

    public init(line: Int) { self.line = line }

    public subscript(key: String) -> Entry? { entries[key] }

    mutating func set(_ key: String, _ entry: Entry) {
        if entries[key] == nil { keys.append(key) }
        entries[key] = entry
    }

    mutating func modify<T, E: Error>(_ key: String, _ body: (inout Entry) throws(E) -> T) throws(E) -> T {
        try body(&entries[key]!)
    }
}

/// A syntax error with its line.
public struct TOMLError: Error, Equatable, CustomStringConvertible {
    public var line: Int
    public var message: String
    public var description: String { "line \(line): \(message)" }
}

/// Parses TOML text.
public enum TOMLParser {
    public static func parse(_ text: String) throws(TOMLError) -> TOMLTable {
        var parser = Parser(bytes: Array(text.utf8))
        return try parser.document()
    }
}

private struct Parser {
    let bytes: [UInt8]
    var index = 0
    var line = 1
    var root = TOMLTable(line: 1)
    /// Tables opened by a header or implicitly as a parent; redefining one is an error.
    var definedTables: Set<[String]> = []

    init(bytes: [UInt8]) { self.bytes = bytes }

    var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    func fail(_ message: String) -> TOMLError { TOMLError(line: line, message: message) }

    mutating func advance() {
        if bytes[index] == UInt8(ascii: "\n") { line += 1 }
        index += 1
    }

    mutating func skipSpaces() {
        while let c = current, c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") { index += 1 }
    }

    /// Skips spaces, newlines and comments (inside arrays).
    mutating func skipBlank() throws(TOMLError) {
        while let c = current {
            if c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") || c == UInt8(ascii: "\n") || c == UInt8(ascii: "\r") {
                advance()
            } else if c == UInt8(ascii: "#") {
                try skipComment()
            } else {
                return
            }
        }
    }

    mutating func skipComment() throws(TOMLError) {
        while let c = current, c != UInt8(ascii: "\n") {
            if c < 0x20 && c != UInt8(ascii: "\t") && c != UInt8(ascii: "\r") { throw fail("control character in comment") }
            index += 1
        }
    }

    /// After a key/value pair or header: only a comment may follow on the line.
    mutating func endOfLine() throws(TOMLError) {
        skipSpaces()
        if current == UInt8(ascii: "#") { try skipComment() }
        if current == UInt8(ascii: "\r") { index += 1 }
        guard let c = current else { return }
        guard c == UInt8(ascii: "\n") else { throw fail("expected the end of the line, found '\(Character(Unicode.Scalar(c)))'") }
        advance()
    }

    mutating func document() throws(TOMLError) -> TOMLTable {
        var tablePath: [String] = []
        while true {
            try skipBlank()
            guard let c = current else { return root }
            let startLine = line
            if c == UInt8(ascii: "[") {
                index += 1
                let isArray = current == UInt8(ascii: "[")
                if isArray { index += 1 }
                skipSpaces()
                let path = try key()
                skipSpaces()
                guard current == UInt8(ascii: "]") else { throw fail("expected ']' after table name") }
                index += 1
                if isArray {
                    guard current == UInt8(ascii: "]") else { throw fail("expected ']]' after array-of-tables name") }
                    index += 1
                }
                try endOfLine()
                if isArray {
                    try appendTable(at: path, line: startLine)
                } else {
                    guard !definedTables.contains(path) else {
                        throw TOMLError(line: startLine, message: "table [\(path.joined(separator: "."))] is defined twice")
                    }
                    definedTables.insert(path)
                    try Self.descend(&root, path: path[...], line: startLine) { _ in }
                }
                tablePath = path
            } else {
                let path = try key()
                skipSpaces()
                guard current == UInt8(ascii: "=") else { throw fail("expected '=' after key '\(path.joined(separator: "."))'") }
                index += 1
                skipSpaces()
                let value = try self.value()
                try endOfLine()
                try insert(value, at: tablePath + path, line: startLine)
            }
        }
    }

    // MARK: Keys

    mutating func key() throws(TOMLError) -> [String] {
        var parts: [String] = []
        while true {
            skipSpaces()
            guard let c = current else { throw fail("expected a key") }
            if c == UInt8(ascii: "\"") {
                parts.append(try basicString())
            } else if c == UInt8(ascii: "'") {
                parts.append(try literalString())
            } else {
                let start = index
                while let c = current, isBareKeyByte(c) { index += 1 }
                guard index > start else { throw fail("expected a key, found '\(Character(Unicode.Scalar(c)))'") }
                parts.append(String(decoding: bytes[start..<index], as: UTF8.self))
            }
            skipSpaces()
            guard current == UInt8(ascii: ".") else { return parts }
            index += 1
        }
    }

    func isBareKeyByte(_ c: UInt8) -> Bool {
        (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
            || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || c == UInt8(ascii: "_") || c == UInt8(ascii: "-")
    }

    // MARK: Values

    mutating func value() throws(TOMLError) -> TOMLValue {
        guard let c = current else { throw fail("expected a value") }
        switch c {
        case UInt8(ascii: "\""):
            if starts(with: "\"\"\"") { return .string(try multilineString(literal: false)) }
            return .string(try basicString())
        case UInt8(ascii: "'"):
            if starts(with: "'''") { return .string(try multilineString(literal: true)) }
            return .string(try literalString())
        case UInt8(ascii: "["):
            return try array()
        case UInt8(ascii: "{"):
            return try inlineTable()
        default:
            return try scalar()
        }
    }

    func starts(with prefix: String) -> Bool {
        let p = Array(prefix.utf8)
        return index + p.count <= bytes.count && Array(bytes[index..<index + p.count]) == p
    }

    mutating func scalar() throws(TOMLError) -> TOMLValue {
        let start = index
        while let c = current, !" \t\r\n,]}#".utf8.contains(c) { index += 1 }
        let word = String(decoding: bytes[start..<index], as: UTF8.self)
        switch word {
        case "true": return .bool(true)
        case "false": return .bool(false)
        case "inf", "+inf": return .float(.infinity)
        case "-inf": return .float(-.infinity)
        case "nan", "+nan", "-nan": return .float(.nan)
        default: break
        }
        guard !word.isEmpty else { throw fail("expected a value") }
        if word.count >= 8, word.dropFirst(4).first == "-" || word.dropFirst(2).first == ":" {
            throw fail("dates and times are not supported here; write the value as a string")
        }
        if let integer = parseInteger(word) { return .integer(integer) }
        if let float = parseFloat(word) { return .float(float) }
        throw fail("'\(word)' is not a valid value (strings need quotes)")
    }

    func parseInteger(_ word: String) -> Int64? {
        let prefixes: [(String, Int)] = [("0x", 16), ("0o", 8), ("0b", 2)]
        for (prefix, radix) in prefixes where word.hasPrefix(prefix) {
            return validUnderscores(String(word.dropFirst(2))).flatMap { Int64($0, radix: radix) }
        }
        guard let digits = validUnderscores(word) else { return nil }
        let unsigned = digits.hasPrefix("+") || digits.hasPrefix("-") ? String(digits.dropFirst()) : digits
        if unsigned.count > 1 && unsigned.hasPrefix("0") { return nil }  // no leading zeros
        return Int64(digits)
    }

    func parseFloat(_ word: String) -> Double? {
        guard let digits = validUnderscores(word),
              digits.contains(where: { ".eE".contains($0) }),
              digits.allSatisfy({ "0123456789+-.eE".contains($0) }),
              !digits.hasSuffix("."), !digits.hasPrefix("."), !digits.contains(".e"), !digits.contains(".E")
        else { return nil }
        let unsigned = digits.hasPrefix("+") || digits.hasPrefix("-") ? digits.dropFirst() : digits[...]
        let integerPart = unsigned.prefix { $0.isNumber }
        if integerPart.count > 1 && integerPart.hasPrefix("0") { return nil }  // no leading zeros
        return Double(digits)
    }

    /// Removes `_` separators, which must sit between digits.
    func validUnderscores(_ word: String) -> String? {
        let chars = Array(word)
        for (i, ch) in chars.enumerated() where ch == "_" {
            guard i > 0, i < chars.count - 1, chars[i - 1].isHexDigit, chars[i + 1].isHexDigit else { return nil }
        }
        return word.replacingOccurrences(of: "_", with: "")
    }

    mutating func basicString() throws(TOMLError) -> String {
        index += 1  // opening quote
        var out: [UInt8] = []
        while true {
            guard let c = current, c != UInt8(ascii: "\n") else { throw fail("unterminated string") }
            index += 1
            if c == UInt8(ascii: "\"") { break }
            if c == UInt8(ascii: "\\") {
                try escape(into: &out)
            } else {
                guard c >= 0x20 || c == UInt8(ascii: "\t"), c != 0x7f else { throw fail("control character in string") }
                out.append(c)
            }
        }
        return try decodeUTF8(out)
    }

    mutating func literalString() throws(TOMLError) -> String {
        index += 1
        let start = index
        while true {
            guard let c = current, c != UInt8(ascii: "\n") else { throw fail("unterminated string") }
            if c == UInt8(ascii: "'") { break }
            index += 1
        }
        let text = Array(bytes[start..<index])
        index += 1
        return try decodeUTF8(text)
    }

    mutating func multilineString(literal: Bool) throws(TOMLError) -> String {
        let delimiter: UInt8 = literal ? UInt8(ascii: "'") : UInt8(ascii: "\"")
        let startLine = line
        index += 3
        if current == UInt8(ascii: "\r") { index += 1 }
        if current == UInt8(ascii: "\n") { advance() }  // a newline right after the delimiter is trimmed
        var out: [UInt8] = []
        while true {
            guard let c = current else {
                throw TOMLError(line: startLine, message: "unterminated multi-line string")
            }
            if c == delimiter && starts(with: literal ? "'''" : "\"\"\"") {
                index += 3
                // Up to two more quotes belong to the content.
                var extra = 0
                while current == delimiter && extra < 2 { out.append(delimiter); index += 1; extra += 1 }
                break
            }
            if !literal && c == UInt8(ascii: "\\") {
                index += 1
                // A backslash at the end of a line trims the newline and following whitespace.
                var look = index
                while look < bytes.count, bytes[look] == UInt8(ascii: " ") || bytes[look] == UInt8(ascii: "\t") { look += 1 }
                if look < bytes.count, bytes[look] == UInt8(ascii: "\n") || bytes[look] == UInt8(ascii: "\r") {
                    index = look
                    while let w = current, " \t\r\n".utf8.contains(w) { advance() }
                } else {
                    try escape(into: &out)
                }
                continue
            }
            out.append(c)
            advance()
        }
        return try decodeUTF8(out)
    }

    mutating func escape(into out: inout [UInt8]) throws(TOMLError) {
        guard let e = current else { throw fail("unterminated string") }
        index += 1
        switch e {
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "n"): out.append(0x0a)
        case UInt8(ascii: "f"): out.append(0x0c)
        case UInt8(ascii: "r"): out.append(0x0d)
        case UInt8(ascii: "\""): out.append(0x22)
        case UInt8(ascii: "\\"): out.append(0x5c)
        case UInt8(ascii: "u"), UInt8(ascii: "U"):
            let count = e == UInt8(ascii: "u") ? 4 : 8
            guard index + count <= bytes.count,
                  let code = UInt32(String(decoding: bytes[index..<index + count], as: UTF8.self), radix: 16),
                  let scalar = Unicode.Scalar(code)
            else { throw fail("invalid unicode escape") }
            index += count
            out.append(contentsOf: Array(String(Character(scalar)).utf8))
        default:
            throw fail("invalid escape '\\\(Character(Unicode.Scalar(e)))'")
        }
    }

    func decodeUTF8(_ bytes: [UInt8]) throws(TOMLError) -> String {
        guard let text = String(validating: bytes, as: UTF8.self) else { throw fail("invalid UTF-8 in string") }
        return text
    }

    mutating func array() throws(TOMLError) -> TOMLValue {
        index += 1
        var items: [TOMLValue] = []
        while true {
            try skipBlank()
            guard let c = current else { throw fail("unterminated array") }
            if c == UInt8(ascii: "]") { index += 1; return .array(items) }
            items.append(try value())
            try skipBlank()
            if current == UInt8(ascii: ",") { index += 1; continue }
            guard current != nil else { throw fail("unterminated array") }
            guard current == UInt8(ascii: "]") else { throw fail("expected ',' or ']' in array") }
        }
    }

    mutating func inlineTable() throws(TOMLError) -> TOMLValue {
        let startLine = line
        index += 1
        var table = TOMLTable(line: startLine)
        skipSpaces()
        if current == UInt8(ascii: "}") { index += 1; return .table(table) }
        while true {
            skipSpaces()
            let path = try key()
            skipSpaces()
            guard current == UInt8(ascii: "=") else { throw fail("expected '=' in inline table") }
            index += 1
            skipSpaces()
            let value = try self.value()
            try Self.insert(value, at: path, line: startLine, into: &table, fail: fail)
            skipSpaces()
            if current == UInt8(ascii: ",") { index += 1; continue }
            guard current == UInt8(ascii: "}") else { throw fail("expected ',' or '}' in inline table") }
            index += 1
            return .table(table)
        }
    }

    // MARK: Building the tree

    mutating func insert(_ value: TOMLValue, at path: [String], line: Int) throws(TOMLError) {
        let fail = { (message: String) in TOMLError(line: line, message: message) }
        try Self.insert(value, at: path, line: line, into: &root, fail: fail)
    }

    static func insert(_ value: TOMLValue, at path: [String], line: Int, into table: inout TOMLTable,
                       fail: (String) -> TOMLError) throws(TOMLError) {
        if path.count == 1 {
            guard table[path[0]] == nil else { throw fail("key '\(path[0])' is defined twice") }
            table.set(path[0], .init(value: value, line: line))
            return
        }
        let head = path[0]
        if table[head] == nil { table.set(head, .init(value: .table(TOMLTable(line: line)), line: line)) }
        try table.modify(head) { (entry: inout TOMLTable.Entry) throws(TOMLError) in
            switch entry.value {
            case .table(var inner):
                try insert(value, at: Array(path.dropFirst()), line: line, into: &inner, fail: fail)
                entry.value = .table(inner)
            case .array(var items):
                guard case .table(var last)? = items.last else { throw fail("key '\(head)' is not a table") }
                try insert(value, at: Array(path.dropFirst()), line: line, into: &last, fail: fail)
                items[items.count - 1] = .table(last)
                entry.value = .array(items)
            default:
                throw fail("key '\(head)' is not a table")
            }
        }
    }

    /// Descends to the table at `path`, creating missing tables, and runs `body` on it.
    static func descend(_ table: inout TOMLTable, path: ArraySlice<String>, line: Int,
                        _ body: (inout TOMLTable) throws(TOMLError) -> Void) throws(TOMLError) {
        guard let head = path.first else { return try body(&table) }
        if table[head] == nil { table.set(head, .init(value: .table(TOMLTable(line: line)), line: line)) }
        try table.modify(head) { (entry: inout TOMLTable.Entry) throws(TOMLError) in
            switch entry.value {
            case .table(var inner):
                try descend(&inner, path: path.dropFirst(), line: line, body)
                entry.value = .table(inner)
            case .array(var items):
                guard case .table(var last)? = items.last else {
                    throw TOMLError(line: line, message: "key '\(head)' is not a table")
                }
                try descend(&last, path: path.dropFirst(), line: line, body)
                items[items.count - 1] = .table(last)
                entry.value = .array(items)
            default:
                throw TOMLError(line: line, message: "key '\(head)' is not a table")
            }
        }
    }

    mutating func appendTable(at path: [String], line: Int) throws(TOMLError) {
        try Self.descend(&root, path: path.dropLast()[...], line: line) { (parent: inout TOMLTable) throws(TOMLError) in
            let name = path[path.count - 1]
            if parent[name] == nil {
                parent.set(name, .init(value: .array([]), line: line))
            }
            try parent.modify(name) { (entry: inout TOMLTable.Entry) throws(TOMLError) in
                guard case .array(var items) = entry.value else {
                    throw TOMLError(line: line, message: "key '\(name)' is not an array of tables")
                }
                items.append(.table(TOMLTable(line: line)))
                entry.value = .array(items)
            }
        }
    }
}
