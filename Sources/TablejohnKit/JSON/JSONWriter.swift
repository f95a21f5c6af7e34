// Writes a JSONValue as compact JSON text, straight into bytes.
import Foundation

/// Compact JSON text for `JSONValue`s, byte for byte what jansson's `JSON_COMPACT` dump
/// writes: keys in order, `"`, `\` and control characters escaped (`\u001F`, in upper
/// case), all else as UTF-8, integers in decimal, reals as `%.17g` with `.0` added
/// where they would read back as integers and exponents without `+` or leading zeros.
///
/// Every reply on the control socket and the runner API is written here. Building a
/// jansson tree for a reply (an allocation per value) and dumping it (jansson records
/// each container it enters under its address, formatted as text) cost more than the
/// rest of a small call.
struct JSONWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 256) {
        bytes.reserveCapacity(capacity)
    }

    mutating func write(_ value: JSONValue) throws(JSONError) {
        switch value {
        case .null: append("null")
        case .bool(let flag): append(flag ? "true" : "false")
        case .integer(let number): append(String(number))
        case .real(let number): try writeReal(number)
        case .string(let text): writeString(text)
        case .array(let items):
            bytes.append(UInt8(ascii: "["))
            for (position, item) in items.enumerated() {
                if position > 0 { bytes.append(UInt8(ascii: ",")) }
                try write(item)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let object):
            bytes.append(UInt8(ascii: "{"))
            for (position, entry) in object.entries.enumerated() {
                if position > 0 { bytes.append(UInt8(ascii: ",")) }
                writeString(entry.key)
                bytes.append(UInt8(ascii: ":"))
                try write(entry.value)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    private mutating func append(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    private mutating func writeString(_ text: String) {
        var text = text
        text.withUTF8 { utf8 in
            bytes.append(UInt8(ascii: "\""))
            var runStart = 0
            for (position, byte) in utf8.enumerated() where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<position]))
                runStart = position + 1
                bytes.append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(byte)
                case 0x08: bytes.append(UInt8(ascii: "b"))
                case 0x0C: bytes.append(UInt8(ascii: "f"))
                case 0x0A: bytes.append(UInt8(ascii: "n"))
                case 0x0D: bytes.append(UInt8(ascii: "r"))
                case 0x09: bytes.append(UInt8(ascii: "t"))
                default:
                    let hex = Array("0123456789ABCDEF".utf8)
                    bytes.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
                }
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
            bytes.append(UInt8(ascii: "\""))
        }
    }

    /// `%.17g`, as jansson writes reals with `JSON_REAL_PRECISION(17)`.
    private mutating func writeReal(_ number: Double) throws(JSONError) {
        guard number.isFinite else { throw JSONError(message: "\(number) cannot be written as JSON") }
        var buffer = [CChar](repeating: 0, count: 40)
        let length = withVaList([number]) { vsnprintf(&buffer, buffer.count, "%.17g", $0) }
        // A locale's decimal comma becomes a point, as jansson's `from_locale` does.
        var text = buffer[0..<Int(length)].map { $0 == CChar(UInt8(ascii: ",")) ? UInt8(ascii: ".") : UInt8(bitPattern: $0) }
        if !text.contains(UInt8(ascii: ".")) && !text.contains(UInt8(ascii: "e")) {
            text += [UInt8(ascii: "."), UInt8(ascii: "0")]
        }
        if let e = text.firstIndex(of: UInt8(ascii: "e")) {
            // The exponent without a leading `+` or zeros: `1e+20` is written `1e20`, `1e-07` `1e-7`.
            var digits = text.index(after: e)
            let negative = text[digits] == UInt8(ascii: "-")
            if text[digits] == UInt8(ascii: "-") || text[digits] == UInt8(ascii: "+") { digits += 1 }
            while digits < text.count - 1 && text[digits] == UInt8(ascii: "0") { digits += 1 }
            text = Array(text[...e]) + (negative ? [UInt8(ascii: "-")] : []) + Array(text[digits...])
        }
        bytes.append(contentsOf: text)
    }
}
