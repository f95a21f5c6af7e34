// Why a branch comparison cannot be made: histories that never meet, a merge base not imported yet.

/// Why two revisions cannot be compared.
enum ComparisonError: Error, Equatable, CustomStringConvertible {
    /// The histories of the two commits never meet.
    case noMergeBase(base: String, head: String)
    /// The merge base git found is not in the database yet.
    case mergeBaseNotImported(String)

    var description: String {
        switch self {
        case .noMergeBase(let base, let head): "\(base) and \(head) have no common ancestor"
        case .mergeBaseNotImported(let hash): "the merge base \(hash) is not imported yet; try again after the next fetch"
        }
    }
}
