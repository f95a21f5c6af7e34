// TOML 1.0 read by toml++ (through CTOMLShim), turned into TOMLTable with the line of every key.
import CTOMLShim
import Foundation

/// Parses TOML text with toml++. Syntax errors carry toml++'s description and line; on top
/// of TOML 1.0, dates and times are refused (tablejohn's configuration has none, so one is
/// a value that lost its quotes), and so is nesting deeper than TJ_TOML_MAX_DEPTH (128) levels.
enum TOMLParser {
    static func parse(_ text: String) throws(TOMLError) -> TOMLTable {
        var text = text
        return try text.withUTF8 { utf8 in Result { () throws(TOMLError) in try parse(UnsafeRawBufferPointer(utf8)) } }.get()
    }

    /// Parses bytes as they were read: invalid UTF-8 is an error with its line, like any other.
    static func parse(bytes: some ContiguousBytes) throws(TOMLError) -> TOMLTable {
        try bytes.withUnsafeBytes { raw in Result { () throws(TOMLError) in try parse(raw) } }.get()
    }

    private static func parse(_ bytes: UnsafeRawBufferPointer) throws(TOMLError) -> TOMLTable {
        guard let document = tj_toml_parse(bytes.baseAddress, bytes.count) else {
            throw TOMLError(line: 0, message: "out of memory while reading the file")
        }
        defer { tj_toml_free(document) }
        if let message = tj_toml_error(document) {
            throw TOMLError(line: Int(tj_toml_error_line(document)), message: withHint(String(cString: message)))
        }
        var reader = NodeReader(nodes: UnsafeBufferPointer(start: tj_toml_nodes(document), count: tj_toml_node_count(document)))
        guard case .table(var root) = try reader.value() else { return TOMLTable(line: 1) }
        root.line = 1
        return root
    }

    /// toml++'s words, with what people usually did to get them when its words don't say.
    static func withHint(_ message: String) -> String {
        if message.hasSuffix("could not determine value type") {
            return message + " (text needs quotes: name = \"value\")"
        }
        if message.contains("unescaped control characters") {
            return message + " (is a closing quote missing?)"
        }
        return message
    }
}

/// Walks the shim's pre-order node list (a table or array is followed by its children).
private struct NodeReader {
    let nodes: UnsafeBufferPointer<tj_toml_node>
    var index = 0

    mutating func value() throws(TOMLError) -> TOMLValue {
        let node = nodes[index]
        index += 1
        switch node.kind {
        case TJ_TOML_TABLE:
            var table = TOMLTable(line: Int(node.line))
            for _ in 0..<node.children {
                let entry = nodes[index]
                let key = String(decoding: UnsafeRawBufferPointer(start: entry.key, count: entry.key_length), as: UTF8.self)
                table.set(key, .init(value: try value(), line: Int(entry.key_line)))
            }
            return .table(table)
        case TJ_TOML_ARRAY:
            var items: [TOMLValue] = []
            items.reserveCapacity(node.children)
            for _ in 0..<node.children { items.append(try value()) }
            return .array(items)
        case TJ_TOML_STRING:
            return .string(String(decoding: UnsafeRawBufferPointer(start: node.text, count: node.text_length), as: UTF8.self))
        case TJ_TOML_INTEGER:
            return .integer(node.integer)
        case TJ_TOML_FLOAT:
            return .float(node.number)
        case TJ_TOML_BOOLEAN:
            return .bool(node.integer != 0)
        default:
            throw TOMLError(line: Int(node.line), message: "dates and times are not supported here; write the value as a string")
        }
    }
}
