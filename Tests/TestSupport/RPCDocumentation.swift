// The control socket's methods as RPC.md documents them, for tests that hold the code to the document.
import Foundation

public enum RPCDocumentation {
    /// The methods and parameter names RPC.md documents, from its `### \`method\` (\`param\`, …)` headings.
    public static func methods() throws -> [String: [String]] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("RPC.md"), encoding: .utf8)
        var methods: [String: [String]] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("### `") {
            // "### `refs.track` (`ref`), `refs.untrack` (`ref`)" names two methods.
            for part in line.dropFirst(4).split(separator: "), ") {
                let names = part.split(separator: "`", omittingEmptySubsequences: false).enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
                guard let method = names.first, method.contains(".") || method == "status" || method == "compare" else { continue }
                methods[method] = Array(names.dropFirst())
            }
        }
        return methods
    }
}
