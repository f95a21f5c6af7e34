// The database as a whole: the archive, read-only SQL and backups. Each runs on the shared pool.

extension AdminCommands {
    /// Moves live runs started before `before` (Unix milliseconds) into the archive;
    /// with `ref`, only runs of its first-parent line, keeping its newest `keepLast`.
    func archiveMove(before: Int64, ref: String?, keepLast: Int) async throws -> ArchiveMoveReport {
        var selection = ArchiveSelection(before: before)
        if let ref { selection.refCommitID = try store.commitID(of: try resolver.commit(ref)) }
        selection.keepLast = keepLast
        return try await exportStore.archiveRuns(selection)
    }

    /// Brings archived runs started in [`after`, `before`) (each optional) back.
    func archiveRestore(before: Int64?, after: Int64?) async throws -> ArchiveMoveReport {
        try await exportStore.restoreRuns(RestoreSelection(before: before, after: after))
    }

    func archiveStatus() throws -> ArchiveStatus {
        try store.archiveStatus()
    }

    /// One read-only statement, one page of its rows, within `sqlLimits`.
    func query(_ statement: String, offset: Int, limit: Int) async throws -> UserQueryResult {
        try await exportStore.userQuery(statement, offset: offset, limit: limit, limits: sqlLimits)
    }

    /// An online copy of the database (and its archive) at an absolute path on this host.
    func backup(to path: String, replacing: Bool) async throws -> BackupReport {
        try await exportStore.backup(to: path, replacing: replacing)
    }
}
