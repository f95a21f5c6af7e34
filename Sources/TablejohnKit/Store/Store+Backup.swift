// An online copy of the live database (`tjctl backup`), made with SQLite's backup API.
import Foundation
import GRDB
import GRDBSQLite

/// What a finished backup reports.
struct BackupReport: Sendable, Equatable {
    var path: String
    var bytes: Int64
    var pages: Int
    /// Runs in the copy: every run acknowledged before the backup started.
    var runs: Int
    var milliseconds: Int64
    /// Where the archive's copy went (`path` + `.archive`), when the archive holds runs.
    var archivePath: String?
    var archivedRuns = 0
}

extension Store {
    /// Pages copied per backup step.
    static let backupPagesPerStep: Int32 = 256

    /// Copies the database to `path` while the daemon keeps serving, checks the copy with
    /// `PRAGMA integrity_check`, and only then moves it into place.
    ///
    /// The copy reads one snapshot: a read transaction on a pool reader is opened before
    /// the first step and held to the last. In WAL mode writers never wait for readers, so
    /// submissions and pages go on during the copy, and the backup API does not restart
    /// when they commit (it restarts only when its source's snapshot changes, which a step
    /// without an open transaction would allow). The copy holds exactly what was committed
    /// when the backup started. Steps of `backupPagesPerStep` pages let a cancelled or
    /// failing copy stop early. The file is written under a temporary name in the same
    /// folder and renamed when checked, so `path` is never a half copy; without `replacing`
    /// an existing file is refused, also when one appears during the copy.
    func backup(to path: String, replacing: Bool) async throws -> BackupReport {
        let live = [(writer as? DatabasePool)?.path, archivePath].compactMap { $0 }
        try Self.checkDestination(path, replacing: replacing, live: live)
        // FILE.archive belongs to FILE: refused like FILE unless replacing, and an old one goes when replaced.
        try Self.checkDestination(path + ".archive", replacing: replacing, live: live)
        let source = writer
        let gate = archiveGate
        return try await OperationsWorkers.run { () throws -> BackupReport in
            try Self.copy(source, gate: gate, to: path, replacing: replacing)
        }
    }

    static func checkDestination(_ path: String, replacing: Bool, live: [String]) throws(BackupError) {
        guard path.hasPrefix("/") else { throw .notAbsolute(path) }
        let url = URL(fileURLWithPath: path)
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.deletingLastPathComponent().path, isDirectory: &isFolder), isFolder.boolValue else {
            throw .destination(path: path, reason: "its folder does not exist")
        }
        var target = stat()
        guard lstat(path, &target) == 0 else { return }
        for live in live {
            for suffix in ["", "-wal", "-shm"] {
                var file = stat()
                if stat(live + suffix, &file) == 0, file.st_dev == target.st_dev, file.st_ino == target.st_ino {
                    throw .liveDatabase(path)
                }
            }
        }
        guard replacing else { throw .exists(path) }
        guard (target.st_mode & S_IFMT) != S_IFDIR else { throw .destination(path: path, reason: "it is a folder") }
    }

    /// Copies the database (and, when it holds runs, the archive to `path.archive`) from one
    /// snapshot of both.
    private static func copy(_ source: any DatabaseWriter, gate: ArchiveGate, to path: String, replacing: Bool) throws -> BackupReport {
        let started = ContinuousClock.now
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let temporary = folder + "/." + URL(fileURLWithPath: path).lastPathComponent + ".backup-\(UUID().uuidString.prefix(8))"
        defer {
            for suffix in ["", "-journal", "-wal", "-shm"] { unlink(temporary + suffix) }
        }
        let archiveTemporary = temporary + ".archive"
        defer {
            for suffix in ["", "-journal", "-wal", "-shm"] { unlink(archiveTemporary + suffix) }
        }
        var pages = 0
        var runs = 0
        var archivedRuns = 0
        do {
            let destination = try DatabaseQueue(path: temporary)
            try destination.writeWithoutTransaction { copy in
                try source.read { live in
                    // Opens the snapshots of both databases now, so every step reads the same
                    // ones, and no batch of an archive move is half-way between them.
                    archivedRuns = try gate.shared {
                        _ = try Int.fetchOne(live, sql: "SELECT count(*) FROM main.sqlite_schema")
                        return try Int.fetchOne(live, sql: "SELECT count(*) FROM archive.runs") ?? 0
                    }
                    try live.backup(to: copy, pagesPerStep: backupPagesPerStep) { progress in
                        pages = progress.totalPageCount
                    }
                    if archivedRuns > 0 { try copyArchive(live, to: archiveTemporary) }
                }
                // A file that needs no -wal beside it, whatever the live database's mode.
                try copy.execute(sql: "PRAGMA journal_mode = DELETE")
                let problems = try String.fetchAll(copy, sql: "PRAGMA integrity_check")
                guard problems == ["ok"] else {
                    throw BackupError.failed("the copy did not pass PRAGMA integrity_check: \(problems.prefix(5).joined(separator: "; "))")
                }
                runs = try Int.fetchOne(copy, sql: "SELECT count(*) FROM runs") ?? 0
            }
            try destination.close()
        } catch let error as BackupError {
            throw error
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CANTOPEN {
            throw BackupError.destination(path: path, reason: error.message ?? "cannot create a file there")
        } catch let error as DatabaseError where StorageTrouble.isTransient(error) {
            throw error
        } catch {
            throw BackupError.failed("\(error)")
        }
        if archivedRuns > 0 {
            guard rename(archiveTemporary, path + ".archive") == 0 else {
                throw BackupError.destination(path: path + ".archive", reason: String(cString: strerror(errno)))
            }
        } else if replacing {
            unlink(path + ".archive")  // an earlier backup's archive would be restored beside this copy
        }
        if replacing {
            guard rename(temporary, path) == 0 else { throw BackupError.destination(path: path, reason: String(cString: strerror(errno))) }
        } else {
            // link() refuses an existing name, also one created while the copy ran.
            guard link(temporary, path) == 0 else {
                if errno == EEXIST { throw BackupError.exists(path) }
                throw BackupError.destination(path: path, reason: String(cString: strerror(errno)))
            }
        }
        let directory = open(folder, O_RDONLY)
        if directory >= 0 {
            fsync(directory)
            close(directory)
        }
        var written = stat()
        let size = stat(path, &written) == 0 ? Int64(written.st_size) : 0
        return BackupReport(path: path, bytes: size, pages: pages, runs: runs,
                            milliseconds: (ContinuousClock.now - started).milliseconds,
                            archivePath: archivedRuns > 0 ? path + ".archive" : nil, archivedRuns: archivedRuns)
    }

    /// Copies the attached archive of `live` (inside its open read transaction) to a new
    /// file at `path` with SQLite's backup API, and checks it.
    private static func copyArchive(_ live: Database, to path: String) throws {
        let destination = try DatabaseQueue(path: path)
        try destination.writeWithoutTransaction { copy in
            guard let backup = sqlite3_backup_init(copy.sqliteConnection, "main", live.sqliteConnection, "archive") else {
                throw BackupError.failed("could not start copying the archive: \(String(cString: sqlite3_errmsg(copy.sqliteConnection)))")
            }
            var code = SQLITE_OK
            repeat { code = sqlite3_backup_step(backup, backupPagesPerStep) } while code == SQLITE_OK
            let finished = sqlite3_backup_finish(backup)
            guard code == SQLITE_DONE, finished == SQLITE_OK else {
                throw BackupError.failed("copying the archive failed: \(String(cString: sqlite3_errstr(code == SQLITE_DONE ? finished : code)))")
            }
            try copy.execute(sql: "PRAGMA journal_mode = DELETE")
            let problems = try String.fetchAll(copy, sql: "PRAGMA integrity_check")
            guard problems == ["ok"] else {
                throw BackupError.failed("the archive's copy did not pass PRAGMA integrity_check: \(problems.prefix(5).joined(separator: "; "))")
            }
        }
        try destination.close()
    }
}
