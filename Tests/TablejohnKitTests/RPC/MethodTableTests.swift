import Foundation
import Testing
import TestSupport
@testable import TablejohnKit

/// The control socket's methods are one table, and it is the one RPC.md documents.
@Suite("Method table")
struct MethodTableTests {
    @Test("every method RPC.md documents is in the table with the same parameters, and the table has no other")
    func tableIsTheDocument() throws {
        let documented = try RPCDocumentation.methods()
        #expect(documented.count >= 30)
        #expect(Set(ControlMethods.methods.keys) == Set(documented.keys))
        for (method, names) in documented.sorted(by: { $0.key < $1.key }) {
            guard let entry = ControlMethods.methods[method] else { continue }
            // Positional parameters follow the table's order, so the sets must match exactly.
            #expect(Set(entry.names(nil)) == Set(names), "\(method)")
        }
        // A streamed export takes no page options.
        let streamed = ControlMethods.methods["runs.export"]?.names(["stream": true]) ?? []
        #expect(!streamed.contains("limit") && !streamed.contains("cursor") && streamed.contains("ref"))
    }
}
