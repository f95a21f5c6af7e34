// A user's own read-only SQL (`tjctl sql`), on a connection opened for it alone.
import GRDB

extension Store {
    /// Runs one read-only statement a user wrote and returns one page of its rows, off
    /// the caller's thread. Writes, several statements and refused actions are errors
    /// before anything runs; see `UserQuery` and `UserQueryPolicy`.
    func userQuery(_ sql: String, offset: Int, limit: Int, limits: UserQueryLimits) async throws -> UserQueryResult {
        guard let pool = writer as? DatabasePool else { throw UserQueryError.unavailable("an in-memory database has no file to open") }
        let path = pool.path
        let archive = archivePath
        return try await OperationsWorkers.run { () throws -> UserQueryResult in
            try UserQuery(path: path, archive: archive).run(sql, offset: offset, limit: limit, limits: limits)
        }
    }
}
