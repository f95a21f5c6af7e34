// Which errors are the storage's own trouble (try again later) rather than bad content.
import GRDB

/// Classifies errors at the edges (runner API, `POST /api/runs`, JSON-RPC, tjctl): a
/// busy or locked database, a full disk, an I/O error or a read-only database is the
/// server's trouble and passes; the caller should keep its data and try again later
/// (HTTP 503 with `Retry-After`, RPC code `RPCError.tryAgainCode`, tjctl exit 75).
/// Everything else is about the content and stays a refusal.
enum StorageTrouble {
    /// What `Retry-After` says, in seconds.
    static let retryAfterSeconds = 5

    /// Whether `error` is transient trouble of the database rather than of the request.
    static func isTransient(_ error: any Error) -> Bool {
        guard let error = error as? DatabaseError else { return false }
        switch error.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED, .SQLITE_FULL, .SQLITE_IOERR, .SQLITE_READONLY, .SQLITE_CANTOPEN,
             .SQLITE_NOMEM, .SQLITE_PROTOCOL, .SQLITE_INTERRUPT:
            return true
        default:
            return false
        }
    }

    /// The one line a caller sees.
    static func message(_ error: any Error) -> String {
        "the server's database is busy or unavailable (\(error)); try again later"
    }
}
