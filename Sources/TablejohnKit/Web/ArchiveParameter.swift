// `?archive=1`: whether a page or /api/… answer includes archived runs.
import Hummingbird

/// The `archive` query parameter: `1` includes archived runs, `0` or no parameter leaves them out.
enum ArchiveParameter {
    static let name = "archive"

    struct Invalid: Error { var message: String { "archive must be 0 or 1" } }

    static func included(_ query: Parameters) throws(Invalid) -> Bool {
        switch query[Substring(name)] {
        case nil, "0": false
        case "1": true
        default: throw Invalid()
        }
    }
}
