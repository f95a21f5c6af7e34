// Why an archive move or restore stopped or did nothing.

/// Why an archive command did nothing.
enum DatabaseArchiveError: Error, Equatable, CustomStringConvertible {
    /// Another move or restore is running; one at a time.
    case busy
    /// The other database refused the rows of the batch starting at this run (a constraint,
    /// a trigger, a row that moved nothing); the batches before it stay moved, this one did not move.
    case refused(run: String, reason: String)

    var description: String {
        switch self {
        case .busy: "an archive move or restore is already running; try again when it has finished"
        case .refused(let id, let reason): "run \(id) could not be moved (\(reason)); the runs before it were moved, it and the runs after it were not"
        }
    }
}
