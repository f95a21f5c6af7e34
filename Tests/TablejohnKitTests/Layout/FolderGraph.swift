// The library's folders and which depends on which, read from the sources: the check behind "data flows one way".
import Foundation

/// Which folders of `Sources/TablejohnKit` use types declared in which others.
///
/// A folder depends on another when one of its files names a type declared at the top level
/// of a file in the other (comments and string literals left out). Types only, not free
/// functions or members of extensions: every rule in the library lives on a type.
struct FolderGraph {
    /// Folder → the folders it depends on → the types that make it depend.
    var edges: [String: [String: Set<String>]] = [:]
    var folders: Set<String> = []

    init(library: URL) throws {
        var owner: [String: String] = [:]
        var sources: [(folder: String, text: String)] = []
        let files = FileManager.default.enumerator(at: library, includingPropertiesForKeys: nil)
        while let file = files?.nextObject() as? URL {
            guard file.pathExtension == "swift" else { continue }
            let relative = file.path.dropFirst(library.path.count + 1)
            guard relative.contains("/") else { continue }  // files at the top are the library's front door
            let folder = String(relative.prefix(while: { $0 != "/" }))
            let text = try String(contentsOf: file, encoding: .utf8)
            folders.insert(folder)
            sources.append((folder, Self.code(text)))
            for line in text.split(separator: "\n") where !line.hasPrefix(" ") {
                if let name = Self.declaredType(line), owner[name] == nil { owner[name] = folder }
            }
        }
        for (folder, text) in sources {
            for word in Self.capitalisedWords(text) {
                guard let other = owner[word], other != folder else { continue }
                edges[folder, default: [:]][other, default: []].insert(word)
            }
        }
    }

    /// The name a top-level line declares (`public struct Store`, `enum X`, `typealias Y = …`).
    static func declaredType(_ line: Substring) -> String? {
        let modifiers: Set<Substring> = ["public", "internal", "fileprivate", "private", "final", "indirect", "package", "nonisolated"]
        let words = line.split(whereSeparator: { $0 == " " || $0 == "<" || $0 == ":" || $0 == "{" || $0 == "(" })
        var index = 0
        while index < words.count, modifiers.contains(words[index]) || words[index].hasPrefix("@") { index += 1 }
        guard index + 1 < words.count, ["struct", "class", "enum", "protocol", "actor", "typealias"].contains(words[index]) else { return nil }
        let name = words[index + 1]
        return name.first?.isUppercase == true ? String(name) : nil
    }

    /// `text` without comments and string literals.
    static func code(_ text: String) -> String {
        var result = ""
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var kept = ""
            var inString = false
            var previous: Character = " "
            for character in line {
                if !inString && character == "/" && previous == "/" { kept.removeLast(); break }
                if character == "\"" && previous != "\\" { inString.toggle(); previous = character; continue }
                if !inString { kept.append(character) }
                previous = character
            }
            result += kept + "\n"
        }
        return result
    }

    static func capitalisedWords(_ text: String) -> Set<String> {
        var words = Set<String>()
        var current = ""
        for character in text {
            if character.isLetter || character.isNumber || character == "_" {
                current.append(character)
            } else {
                if current.first?.isUppercase == true { words.insert(current) }
                current = ""
            }
        }
        return words
    }

    /// Groups of folders that depend on each other, directly or through others (Tarjan's
    /// strongly connected components of more than one folder).
    var cycles: [[String]] {
        var index = 0
        var indices: [String: Int] = [:]
        var lowest: [String: Int] = [:]
        var stack: [String] = []
        var onStack: Set<String> = []
        var found: [[String]] = []
        func visit(_ folder: String) {
            indices[folder] = index
            lowest[folder] = index
            index += 1
            stack.append(folder)
            onStack.insert(folder)
            for next in (edges[folder] ?? [:]).keys.sorted() {
                if indices[next] == nil {
                    visit(next)
                    lowest[folder] = min(lowest[folder]!, lowest[next]!)
                } else if onStack.contains(next) {
                    lowest[folder] = min(lowest[folder]!, indices[next]!)
                }
            }
            if lowest[folder] == indices[folder] {
                var component: [String] = []
                while let top = stack.popLast() {
                    onStack.remove(top)
                    component.append(top)
                    if top == folder { break }
                }
                if component.count > 1 { found.append(component.sorted()) }
            }
        }
        for folder in folders.sorted() where indices[folder] == nil { visit(folder) }
        return found
    }

    /// One line per folder: `Store → Config, Model`, folders in an order where each comes
    /// after everything it depends on.
    var lines: [String] {
        var placed: [String] = []
        var remaining = folders
        while !remaining.isEmpty {
            let ready = remaining.filter { folder in (edges[folder] ?? [:]).keys.allSatisfy { placed.contains($0) } }.sorted()
            let next = ready.isEmpty ? remaining.sorted() : ready  // a cycle: list the rest as they are
            for folder in next {
                placed.append(folder)
                remaining.remove(folder)
            }
            if ready.isEmpty { break }
        }
        return placed.map { folder in
            let targets = (edges[folder] ?? [:]).keys.sorted()
            return targets.isEmpty ? folder : "\(folder) → \(targets.joined(separator: ", "))"
        }
    }
}
