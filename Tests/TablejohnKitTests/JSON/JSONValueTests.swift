import Foundation
import Testing
import TestSupport
@testable import TablejohnKit

@Suite("JSON through jansson")
struct JSONValueTests {
    @Test("parses every kind of value, keeping integers and reals apart")
    func parses() throws {
        let value = try JSONValue.parse(#"{"a": 1, "b": 1.0, "c": [true, false, null], "d": "é\u0000x", "e": {}}"#)
        #expect(value["a"] == .integer(1))
        #expect(value["b"] == .real(1.0))
        #expect(value["c"] == [true, false, nil])
        #expect(value["d"] == .string("é\u{0}x"))
        #expect(value["e"] == .object([:]))
        #expect(value.objectValue?.keys == ["a", "b", "c", "d", "e"])
    }

    @Test("round-trips through serialisation, compactly and in key order")
    func roundTrip() throws {
        let value: JSONValue = ["z": 1, "a": [1.5, "x\"y\n"], "m": ["nested": nil], "big": .integer(Int64.max)]
        let text = try value.jsonString()
        #expect(text == #"{"z":1,"a":[1.5,"x\"y\n"],"m":{"nested":null},"big":9223372036854775807}"#)
        #expect(try JSONValue.parse(text) == value)
        #expect(try JSONValue.real(0.1).jsonString() == "0.10000000000000001")
        #expect(try JSONValue.parse(JSONValue.real(0.1).jsonString()) == .real(0.1))
        // Around the size where serialising takes a second pass.
        for length in [4093, 4094, 4095, 100_000] {
            let long = JSONValue.string(String(repeating: "é", count: length / 2) + String(repeating: "x", count: length % 2))
            let bytes = try long.serialized()
            #expect(bytes.count == 2 + 2 * (length / 2) + length % 2)
            #expect(try JSONValue.parse(bytes) == long)
        }
    }

    @Test("rejects malformed input with jansson's message and position", arguments: [
        ("{\"a\": }", "unexpected token near '}'"),
        ("[1, 2", "']' expected near end of file"),
        ("{\"a\": 1, \"a\": 2}", "duplicate object key near '\"a\"'"),
        ("", "unexpected token near end of file"),
    ])
    func malformed(text: String, message: String) {
        let error = #expect(throws: JSONError.self) { try JSONValue.parse(text) }
        #expect(error?.message == message)
        #expect(error?.line == 1)
    }

    @Test("objects keep insertion order and find keys, small and large, after removals")
    func objects() throws {
        for size in [3, 11, 12, 13, 40] {
            var object = JSONObject()
            for key in (0..<size).reversed() { object["k\(key)"] = .integer(Int64(key)) }
            object["k1"] = nil
            object["k0"] = "zero"
            #expect(object.count == size - 1)
            #expect(object.keys.first == "k\(size - 1)")
            #expect(object.keys.last == "k0")
            #expect(object["k1"] == nil)
            #expect(object["k2"] == 2)
            #expect(object["k0"] == "zero")
            #expect(try JSONValue.parse(JSONValue.object(object).serialized()) == .object(object))
        }
    }

    @Test("rejects invalid UTF-8")
    func invalidUTF8() {
        let bytes: [UInt8] = Array(#"{"a": ""#.utf8) + [0xff, 0xfe] + Array(#""}"#.utf8)
        let error = #expect(throws: JSONError.self) { try JSONValue.parse(bytes) }
        #expect(error?.message.hasPrefix("unable to decode byte 0xff") == true, "\(String(describing: error))")
    }

    @Test("rejects deep nesting and oversized input instead of crashing")
    func limits() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONError.self) { try JSONValue.parse(deep) }
        let fine = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect((try? JSONValue.parse(fine)) != nil)
        let tooDeep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        let depthError = #expect(throws: JSONError.self) { try JSONValue.parse(tooDeep) }
        #expect(depthError?.message == "nesting deeper than 64 levels")
        let big = "\"" + String(repeating: "x", count: 1000) + "\""
        let sizeError = #expect(throws: JSONError.self) {
            try JSONValue.parse(big, limits: JSONLimits(maximumBytes: 100, maximumDepth: 8))
        }
        #expect(sizeError?.message == "input of 1002 bytes is over the limit of 100 bytes")
    }

    @Test("refuses to write numbers JSON cannot hold")
    func nonFinite() {
        #expect(throws: JSONError.self) { try JSONValue.real(.nan).serialized() }
        #expect(throws: JSONError.self) { try JSONValue.array([.real(.infinity)]).serialized() }
    }
}
