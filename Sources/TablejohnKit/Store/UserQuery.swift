// Runs one SQL statement a user wrote (`tjctl sql`) on a read-only connection of its own.
import Foundation
import GRDBSQLite

/// A read-only SQLite connection for one user query, closed when released.
///
/// Its own connection, not the daemon's: it is opened with `SQLITE_OPEN_READONLY`, set to
/// `PRAGMA query_only`, attaches nothing more (`SQLITE_LIMIT_ATTACHED` 0), and every action a
/// statement compiles to passes `UserQueryPolicy` through SQLite's authorizer. A progress
/// handler stops the statement at its deadline, so a runaway recursive CTE ends with an
/// error instead of holding a thread. Values are bounded too (2 MiB each, 100 columns, a
/// row at most a page's bytes), so `randomblob(1e9)` or a hundred wide columns are an
/// error rather than gigabytes.
final class UserQuery {
    private let connection: OpaquePointer
    /// Set by the authorizer when it refuses, so the error names the reason.
    private var refusal: String?
    /// Monotonic nanoseconds after which the progress handler interrupts.
    private var deadline: UInt64 = .max

    static let maximumValueBytes: Int32 = 2 << 20
    static let maximumColumns: Int32 = 100
    static let maximumSQLBytes: Int32 = 100_000
    /// Virtual machine instructions between two deadline checks: about 10 µs of work.
    static let progressInterval: Int32 = 1000

    /// Opens `path` read-only, with the archive at `archive` attached read-only as
    /// `archive` (before attaching is turned off). Throws `.unavailable` when it cannot.
    init(path: String, archive: String? = nil) throws(UserQueryError) {
        var handle: OpaquePointer?
        let opened = sqlite3_open_v2(path, &handle, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nil)
        guard opened == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "error \(opened)"
            sqlite3_close_v2(handle)
            throw .unavailable(message)
        }
        connection = handle
        sqlite3_busy_timeout(handle, 5000)
        sqlite3_limit(handle, SQLITE_LIMIT_LENGTH, Self.maximumValueBytes)
        sqlite3_limit(handle, SQLITE_LIMIT_COLUMN, Self.maximumColumns)
        sqlite3_limit(handle, SQLITE_LIMIT_SQL_LENGTH, Self.maximumSQLBytes)
        if let archive {
            var attach: OpaquePointer?
            sqlite3_prepare_v2(handle, "ATTACH DATABASE ? AS archive", -1, &attach, nil)
            sqlite3_bind_text(attach, 1, archive, -1, unsafeBitCast(-1, to: sqlite3_destructor_type.self))
            let attached = sqlite3_step(attach)
            sqlite3_finalize(attach)
            guard attached == SQLITE_DONE else {
                let message = String(cString: sqlite3_errmsg(handle))
                sqlite3_close_v2(handle)
                throw .unavailable("cannot open the archive: \(message)")
            }
        }
        sqlite3_limit(handle, SQLITE_LIMIT_ATTACHED, 0)
        guard sqlite3_exec(handle, "PRAGMA query_only = 1", nil, nil, nil) == SQLITE_OK else {
            let message = String(cString: sqlite3_errmsg(handle))
            sqlite3_close_v2(handle)
            throw .unavailable(message)
        }
        let context = Unmanaged.passUnretained(self).toOpaque()
        sqlite3_set_authorizer(handle, { context, action, first, second, _, _ in
            guard let context else { return SQLITE_DENY }
            let query = Unmanaged<UserQuery>.fromOpaque(context).takeUnretainedValue()
            switch UserQueryPolicy.decide(action: action, first: first.map { String(cString: $0) },
                                          second: second.map { String(cString: $0) }) {
            case .allow: return SQLITE_OK
            case .hide: return SQLITE_IGNORE
            case .refuse(let reason):
                if query.refusal == nil { query.refusal = reason }
                return SQLITE_DENY
            }
        }, context)
        sqlite3_progress_handler(handle, Self.progressInterval, { context in
            guard let context else { return 1 }
            let query = Unmanaged<UserQuery>.fromOpaque(context).takeUnretainedValue()
            return UserQuery.monotonicNanoseconds() > query.deadline ? 1 : 0
        }, context)
    }

    deinit {
        sqlite3_close_v2(connection)
    }

    /// Runs `sql`, which must be exactly one statement that only reads, and returns rows
    /// `offset ..< offset + limit` (fewer when the page passes `limits.maximumPageBytes`).
    func run(_ sql: String, offset: Int, limit: Int, limits: UserQueryLimits) throws(UserQueryError) -> UserQueryResult {
        let statement = try prepare(sql)
        defer { sqlite3_finalize(statement) }
        let timeout = limits.timeout.milliseconds
        deadline = Self.monotonicNanoseconds() &+ UInt64(max(0, timeout)) &* 1_000_000
        let count = sqlite3_column_count(statement)
        let columns = (0..<count).map { String(cString: sqlite3_column_name(statement, $0)) }
        var rows: [[UserQueryCell]] = []
        var skipped = 0
        var bytes = 0
        while true {
            let stepped = sqlite3_step(statement)
            if stepped == SQLITE_DONE { return UserQueryResult(columns: columns, rows: rows, offset: offset, nextOffset: nil) }
            guard stepped == SQLITE_ROW else { throw failure(stepped, timeout: limits.timeout) }
            if skipped < offset {
                skipped += 1
                continue
            }
            if rows.count == limit || (bytes >= limits.maximumPageBytes && !rows.isEmpty) {
                return UserQueryResult(columns: columns, rows: rows, offset: offset, nextOffset: offset + rows.count)
            }
            // Measured before converting: one row may not be larger than a whole page.
            let rowBytes = (0..<count).reduce(0) { $0 + Int(sqlite3_column_bytes(statement, $1)) + 8 }
            guard rowBytes <= limits.maximumPageBytes else {
                throw .invalid("a row of \(rowBytes) bytes, more than the \(limits.maximumPageBytes >> 20) MiB a page may hold; select fewer or smaller columns")
            }
            let row = (0..<count).map { Self.cell(statement, $0) }
            bytes += row.reduce(0) { $0 + $1.weight }
            rows.append(row)
        }
    }

    /// Compiles `sql` into one statement that passes the policy and only reads.
    private func prepare(_ sql: String) throws(UserQueryError) -> OpaquePointer {
        // SQLite stops reading at a NUL; whatever follows it would pass unchecked and unrun.
        guard !sql.utf8.contains(0) else { throw .invalid("the text holds a NUL character") }
        var statement: OpaquePointer?
        var rest: UnsafePointer<CChar>?
        let text = Array(sql.utf8CString)
        let prepared = text.withUnsafeBufferPointer { buffer in
            sqlite3_prepare_v3(connection, buffer.baseAddress, Int32(buffer.count - 1), 0, &statement, &rest)
        }
        guard prepared == SQLITE_OK else {
            sqlite3_finalize(statement)
            throw failure(prepared, timeout: .zero)
        }
        guard let statement else { throw .empty }
        // Whatever follows must compile to nothing (blanks and comments), or the text held
        // a second statement that the checks of the first did not cover.
        let more: Bool = text.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress, let rest else { return false }
            let offset = base.distance(to: rest)
            guard offset < buffer.count - 1 else { return false }
            var next: OpaquePointer?
            let code = sqlite3_prepare_v3(connection, rest, Int32(buffer.count - 1 - offset), 0, &next, nil)
            defer { sqlite3_finalize(next) }
            return code != SQLITE_OK || next != nil
        }
        refusal = nil
        guard !more else {
            sqlite3_finalize(statement)
            throw .severalStatements
        }
        guard sqlite3_stmt_readonly(statement) != 0 else {
            sqlite3_finalize(statement)
            throw .refused("the statement would write")
        }
        return statement
    }

    /// The error for a failed prepare or step.
    private func failure(_ code: Int32, timeout: Duration) -> UserQueryError {
        if let refusal {
            self.refusal = nil
            return .refused(refusal)
        }
        let message = String(cString: sqlite3_errmsg(connection))
        switch code & 0xff {
        case SQLITE_INTERRUPT: return .timedOut(timeout)
        case SQLITE_AUTH: return .refused(message)
        case SQLITE_READONLY: return .refused("the statement would write (\(message))")
        default: return .invalid(message)
        }
    }

    private static func cell(_ statement: OpaquePointer, _ column: Int32) -> UserQueryCell {
        switch sqlite3_column_type(statement, column) {
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(statement, column))
        case SQLITE_FLOAT: return .real(sqlite3_column_double(statement, column))
        case SQLITE_TEXT:
            let bytes = UnsafeBufferPointer(start: sqlite3_column_text(statement, column), count: Int(sqlite3_column_bytes(statement, column)))
            return .text(String(decoding: bytes, as: UTF8.self))
        case SQLITE_BLOB:
            let count = Int(sqlite3_column_bytes(statement, column))
            guard count > 0, let start = sqlite3_column_blob(statement, column) else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: start, count: count)))
        default: return .null
        }
    }

    static func monotonicNanoseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }
}
