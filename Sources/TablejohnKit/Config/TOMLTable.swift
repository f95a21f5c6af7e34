// A TOML table that keeps the order its keys were written in and the line of each.

/// A TOML table: keys in the order written, each with the line it was defined on.
struct TOMLTable: Sendable, Equatable {
    struct Entry: Sendable, Equatable {
        var value: TOMLValue
        var line: Int
    }

    private(set) var keys: [String] = []
    private var entries: [String: Entry] = [:]
    /// Where the table was opened (its header, or its first key).
    var line: Int

    init(line: Int) { self.line = line }

    subscript(key: String) -> Entry? { entries[key] }

    mutating func set(_ key: String, _ entry: Entry) {
        if entries[key] == nil { keys.append(key) }
        entries[key] = entry
    }
}
