import Testing
import TestSupport
@testable import TablejohnKit

@Suite("RPC parameters")
struct RPCParamsTests {
    @Test("named and positional parameters read the same")
    func namedAndPositional() throws {
        let named = try RPCParams(["rev": "main", "priority": 5], names: ["rev", "priority"])
        let positional = try RPCParams(["main", 5], names: ["rev", "priority"])
        for params in [named, positional] {
            #expect(try params.requiredString("rev") == "main")
            #expect(try params.int("priority") == 5)
        }
    }

    @Test("mistakes are invalid-params errors that say what is wrong")
    func mistakes() throws {
        #expect(throws: RPCError.invalidParams("unknown parameter \"prio\"; this method takes rev, priority", data: ["parameter": "prio"])) {
            try RPCParams(["prio": 1], names: ["rev", "priority"])
        }
        #expect(throws: RPCError.invalidParams("expected at most 1 parameters (rev), got 2")) {
            try RPCParams(["a", "b"], names: ["rev"])
        }
        let params = try RPCParams(["rev": 5, "priority": "high"], names: ["rev", "priority", "last"])
        #expect(throws: RPCError.invalidParams("\"rev\" must be a string, not an integer", data: ["parameter": "rev"])) {
            try params.requiredString("rev")
        }
        #expect(throws: RPCError.invalidParams("\"priority\" must be an integer, not a string", data: ["parameter": "priority"])) {
            try params.int("priority")
        }
        #expect(throws: RPCError.invalidParams("\"last\" is required", data: ["parameter": "last"])) {
            try params.requiredInt("last")
        }
        let range = try RPCParams(["last": 0], names: ["last"])
        #expect(throws: RPCError.invalidParams("\"last\" must be between 1 and 10", data: ["parameter": "last"])) {
            try range.int("last", range: 1...10)
        }
    }
}
