import Foundation
import Testing

/// "Data flows one way": no folder of the library depends on a folder that depends on it,
/// and the README's layout section shows the graph as it is.
@Suite("Folder graph")
struct FolderGraphTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    @Test("no folder depends on a folder that depends on it")
    func acyclic() throws {
        let graph = try FolderGraph(library: Self.repository.appendingPathComponent("Sources/TablejohnKit"))
        #expect(graph.folders.count > 10)
        let described = graph.cycles.map { cycle in
            cycle.map { from in
                (graph.edges[from] ?? [:]).filter { cycle.contains($0.key) }.sorted { $0.key < $1.key }
                    .map { "\(from) → \($0.key) (\($0.value.sorted().prefix(4).joined(separator: ", ")))" }.joined(separator: "; ")
            }.joined(separator: "; ")
        }
        #expect(described.isEmpty, "\(described.joined(separator: "\n"))")
    }

    @Test("the README's folder graph is the one the sources have")
    func readmeCurrent() throws {
        let graph = try FolderGraph(library: Self.repository.appendingPathComponent("Sources/TablejohnKit"))
        let readme = try String(contentsOf: Self.repository.appendingPathComponent("README.md"), encoding: .utf8)
        let block = readme.components(separatedBy: "<!-- folder graph: checked by FolderGraphTests -->\n```\n").dropFirst().first?
            .components(separatedBy: "```").first ?? ""
        let listed = block.split(separator: "\n").map(String.init)
        #expect(listed == graph.lines, "README.md should read:\n\(graph.lines.joined(separator: "\n"))")
    }

    @Test("a cycle is found, through a third folder too; a declaration is read from its line")
    func rules() {
        var graph = try! FolderGraph(library: URL(fileURLWithPath: "/nonexistent"))
        graph.folders = ["A", "B", "C", "D"]
        graph.edges = ["A": ["B": ["X"]], "B": ["C": ["Y"]], "C": ["A": ["Z"]], "D": ["A": ["W"]]]
        #expect(graph.cycles == [["A", "B", "C"]])
        graph.edges["C"] = nil
        #expect(graph.cycles.isEmpty)
        #expect(graph.lines == ["C", "B → C", "A → B", "D → A"])
        #expect(FolderGraph.declaredType("public final class Store: Sendable {") == "Store")
        #expect(FolderGraph.declaredType("@usableFromInline enum Parser<T> {") == "Parser")
        #expect(FolderGraph.declaredType("extension Store {") == nil)
        #expect(FolderGraph.capitalisedWords(FolderGraph.code("let x = Store() // Detection\nlet y = \"Web\"")) == ["Store"])
    }
}
