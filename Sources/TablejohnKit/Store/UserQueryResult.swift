// One page of a user query's rows, each value as SQLite typed it.

/// One value of a result row, as SQLite typed it.
enum UserQueryCell: Equatable, Sendable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])

    /// The bytes it adds to a page, roughly as sent.
    var weight: Int {
        switch self {
        case .null, .integer, .real: 8
        case .text(let text): text.utf8.count
        case .blob(let bytes): 2 * bytes.count
        }
    }
}

/// Rows `offset ..< offset + rows.count` of a statement's result.
struct UserQueryResult: Equatable, Sendable {
    var columns: [String]
    var rows: [[UserQueryCell]]
    var offset: Int
    /// Where the next page starts; nil when these were the last rows.
    var nextOffset: Int?
}
