// Owns jansson values and converts them to and from JSONValue.
import CJansson
import Foundation

/// Why JSON could not be read or written.
public struct JSONError: Error, Equatable, CustomStringConvertible {
    var message: String
    /// 1-based position of the problem in the input, when jansson knows it.
    var line: Int?
    var column: Int?

    public var description: String {
        guard let line, let column else { return message }
        return "\(message) (line \(line), column \(column))"
    }
}

/// Limits applied to every parse, so hostile input is an error rather than a crash.
public struct JSONLimits: Sendable {
    /// The largest input accepted, in bytes.
    var maximumBytes: Int
    /// The deepest nesting of arrays and objects accepted.
    var maximumDepth: Int

    public static let standard = JSONLimits(maximumBytes: 16 << 20, maximumDepth: 64)

    init(maximumBytes: Int, maximumDepth: Int) {
        self.maximumBytes = maximumBytes
        self.maximumDepth = maximumDepth
    }
}

/// One owned `json_t*`, released in `deinit`. The only place jansson handles live.
final class JanssonDocument {
    let handle: UnsafeMutablePointer<json_t>

    private init(owning handle: UnsafeMutablePointer<json_t>) { self.handle = handle }

    deinit { json_decref(handle) }

    /// Parses one JSON text (any value at the top level). jansson rejects invalid UTF-8.
    static func parse<Bytes: ContiguousBytes>(_ bytes: Bytes, count: Int, limits: JSONLimits) throws(JSONError) -> JanssonDocument {
        guard count <= limits.maximumBytes else {
            throw JSONError(message: "input of \(count) bytes is over the limit of \(limits.maximumBytes) bytes")
        }
        var error = json_error_t()
        let flags = Int(JSON_DECODE_ANY | JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL)
        let parsed = bytes.withUnsafeBytes { raw in
            json_loadb(raw.baseAddress?.assumingMemoryBound(to: CChar.self), count, flags, &error)
        }
        guard let parsed else {
            let text = withUnsafeBytes(of: &error.text) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            throw JSONError(message: text, line: Int(error.line), column: Int(error.column))
        }
        return JanssonDocument(owning: parsed)
    }

    /// Builds jansson values for `value`.
    init(_ value: JSONValue) throws(JSONError) {
        handle = try Self.make(value)
    }

    private static func make(_ value: JSONValue) throws(JSONError) -> UnsafeMutablePointer<json_t> {
        let made: UnsafeMutablePointer<json_t>?
        switch value {
        case .null: made = json_null()
        case .bool(let flag): made = flag ? json_true() : json_false()
        case .integer(let number): made = json_integer(json_int_t(number))
        case .real(let number):
            guard number.isFinite else { throw JSONError(message: "\(number) cannot be written as JSON") }
            made = json_real(number)
        case .string(let text):
            var copy = text
            made = copy.withUTF8 { utf8 in
                utf8.withMemoryRebound(to: CChar.self) { json_stringn_nocheck($0.baseAddress, $0.count) }
            }
        case .array(let items):
            guard let array = json_array() else { throw JSONError(message: "out of memory") }
            for item in items {
                let element: UnsafeMutablePointer<json_t>
                do { element = try make(item) } catch { json_decref(array); throw error }
                json_array_append_new(array, element)
            }
            made = array
        case .object(let object):
            guard let container = json_object() else { throw JSONError(message: "out of memory") }
            for (key, item) in object.entries {
                let element: UnsafeMutablePointer<json_t>
                do { element = try make(item) } catch { json_decref(container); throw error }
                var copy = key
                let status = copy.withUTF8 { utf8 in
                    utf8.withMemoryRebound(to: CChar.self) {
                        json_object_setn_new_nocheck(container, $0.baseAddress, $0.count, element)
                    }
                }
                guard status == 0 else { json_decref(container); throw JSONError(message: "cannot set key \(key)") }
            }
            made = container
        }
        guard let made else { throw JSONError(message: "out of memory") }
        return made
    }

    /// The Swift value, refusing nesting deeper than `maximumDepth`.
    func value(maximumDepth: Int) throws(JSONError) -> JSONValue {
        try Self.convert(handle, depth: 0, maximumDepth: maximumDepth)
    }

    private static func convert(_ node: UnsafeMutablePointer<json_t>, depth: Int, maximumDepth: Int) throws(JSONError) -> JSONValue {
        switch node.pointee.type {
        case JSON_NULL: return .null
        case JSON_TRUE: return .bool(true)
        case JSON_FALSE: return .bool(false)
        case JSON_INTEGER: return .integer(Int64(json_integer_value(node)))
        case JSON_REAL: return .real(json_real_value(node))
        case JSON_STRING:
            let length = json_string_length(node)
            let bytes = UnsafeRawBufferPointer(start: json_string_value(node), count: length)
            return .string(String(decoding: bytes, as: UTF8.self))
        case JSON_ARRAY:
            guard depth < maximumDepth else { throw JSONError(message: "nesting deeper than \(maximumDepth) levels") }
            let count = json_array_size(node)
            var items: [JSONValue] = []
            items.reserveCapacity(count)
            for position in 0..<count {
                items.append(try convert(json_array_get(node, position), depth: depth + 1, maximumDepth: maximumDepth))
            }
            return .array(items)
        case JSON_OBJECT:
            guard depth < maximumDepth else { throw JSONError(message: "nesting deeper than \(maximumDepth) levels") }
            var object = JSONObject()
            var iterator = json_object_iter(node)
            while let current = iterator {
                let key = String(cString: json_object_iter_key(current))
                object[key] = try convert(json_object_iter_value(current), depth: depth + 1, maximumDepth: maximumDepth)
                iterator = json_object_iter_next(node, current)
            }
            return .object(object)
        default:
            throw JSONError(message: "unknown jansson value type")
        }
    }

    /// Compact JSON text, keys in insertion order.
    func serialized() throws(JSONError) -> [UInt8] {
        let flags = Int(JSON_COMPACT | JSON_ENCODE_ANY | JSON_PRESERVE_ORDER | ((17 & 0x1F) << 11))  // JSON_REAL_PRECISION(17)
        // Most replies are small: one pass into a buffer that is usually large enough,
        // a second, exactly sized, pass only for larger ones.
        var bytes = [UInt8](repeating: 0, count: 4096)
        var size = bytes.withUnsafeMutableBytes { raw in
            json_dumpb(handle, raw.baseAddress?.assumingMemoryBound(to: CChar.self), raw.count, flags)
        }
        guard size > 0 else { throw JSONError(message: "cannot serialise JSON") }
        if size > bytes.count {
            bytes = [UInt8](repeating: 0, count: size)
            size = bytes.withUnsafeMutableBytes { raw in
                json_dumpb(handle, raw.baseAddress?.assumingMemoryBound(to: CChar.self), raw.count, flags)
            }
            guard size == bytes.count else { throw JSONError(message: "cannot serialise JSON") }
        }
        bytes.removeLast(bytes.count - size)
        return bytes
    }
}

extension JSONValue {
    /// Parses JSON text within `limits`.
    public static func parse<Bytes: ContiguousBytes & Collection>(_ bytes: Bytes, limits: JSONLimits = .standard) throws(JSONError) -> JSONValue
    where Bytes.Element == UInt8 {
        try JanssonDocument.parse(bytes, count: bytes.count, limits: limits).value(maximumDepth: limits.maximumDepth)
    }

    /// Parses a JSON string.
    public static func parse(_ text: String, limits: JSONLimits = .standard) throws(JSONError) -> JSONValue {
        try parse(Array(text.utf8), limits: limits)
    }

    /// Compact JSON bytes.
    public func serialized() throws(JSONError) -> [UInt8] {
        try JanssonDocument(self).serialized()
    }

    /// Compact JSON text.
    public func jsonString() throws(JSONError) -> String {
        String(decoding: try serialized(), as: UTF8.self)
    }
}
