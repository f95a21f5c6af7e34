// Why a user's SQL statement (`tjctl sql`, `db.query`) was refused or stopped.

/// A refused or failed user query. Nothing was changed in any case.
enum UserQueryError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The text holds no statement, only blanks or comments.
    case empty
    /// More than one statement: only the first would have been checked.
    case severalStatements
    /// A statement that would write, or an action the policy refuses.
    case refused(String)
    /// SQLite could not compile or run it (syntax, unknown table, a value too large).
    case invalid(String)
    /// The statement ran past its time limit and was stopped.
    case timedOut(Duration)
    /// The database could not be opened for reading.
    case unavailable(String)

    var description: String {
        switch self {
        case .empty: "no SQL statement given"
        case .severalStatements: "give exactly one statement; found more after the first"
        case .refused(let reason): "refused: \(reason); nothing was changed"
        case .invalid(let message): "SQL error: \(message)"
        case .timedOut(let limit):
            "stopped after \(limit.milliseconds % 1000 == 0 ? "\(limit.milliseconds / 1000) s" : "\(limit.milliseconds) ms"), "
                + "the time limit ([sql] timeout); narrow the query"
        case .unavailable(let reason): "cannot open the database for reading: \(reason)"
        }
    }
}
