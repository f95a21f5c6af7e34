// The SQLite database: opening, configuration and the migrator.
import Foundation
import GRDB
import Synchronization

// Queries that join a small table (queue, refs, runs) to `commits` write `CROSS JOIN`
// to keep the small table as the outer loop: without statistics SQLite's planner
// sometimes scanned all commits to satisfy an ORDER BY, turning a one-row
// `queue.list` into a 10 ms scan of 100k commits.

/// tablejohn's one database. Production uses a `DatabasePool` (WAL: pages keep reading
/// while the sync loop writes); tests may use an in-memory queue.
public final class Store: Sendable {
    /// The connection(s) to the database. Every write is a named method of `Store`.
    let writer: any DatabaseWriter
    /// A connection of its own for reads, when this store serves one busy caller.
    private let dedicatedReader: DatabaseQueue?
    /// Runners' token digests, kept in memory for the runner API's auth check; shared by
    /// the stores made with `withDedicatedReader`, so a revoke through any of them counts at once.
    let runnerTokens: RunnerTokenTable
    /// The head of the queue as the dedicated reader last read it, with that connection's
    /// `data_version` then (see `queuedCommits`).
    let queueHead = Mutex<(version: Int64, limit: Int, commits: [QueuedCommit])?>(nil)
    /// The archive database's file, attached to every connection as `archive`;
    /// nil for an in-memory store (its archive is in memory too).
    let archivePath: String?
    /// Held by readers of live and archived runs together and by each batch that moves runs
    /// between them; shared by the stores made with `withDedicatedReader`.
    let archiveGate: ArchiveGate

    /// Opens (creating if needed) the database file at `path` and migrates it.
    /// Its archive (`archivePath(forDatabase:)`) is created beside it when missing.
    public convenience init(path: String) throws {
        let archive = Self.archivePath(forDatabase: path)
        var configuration = Self.configuration(archive: archive)
        configuration.maximumReaderCount = 8
        let pool = try DatabasePool(path: path, configuration: configuration)
        try self.init(writer: pool, archivePath: archive)
    }

    /// A private in-memory database, for tests.
    static func inMemory() throws -> Store {
        try Store(writer: DatabaseQueue(configuration: configuration(archive: ":memory:")), archivePath: nil)
    }

    private init(writer: any DatabaseWriter, archivePath: String?) throws {
        self.writer = writer
        self.dedicatedReader = nil
        self.runnerTokens = RunnerTokenTable()
        self.archivePath = archivePath
        self.archiveGate = ArchiveGate()
        try Self.migrator.migrate(writer)
        try Self.prepareArchive(writer, onFile: archivePath != nil)
    }

    private init(writer: any DatabaseWriter, dedicatedReader: DatabaseQueue, runnerTokens: RunnerTokenTable,
                 archivePath: String?, archiveGate: ArchiveGate) {
        self.writer = writer
        self.dedicatedReader = dedicatedReader
        self.runnerTokens = runnerTokens
        self.archivePath = archivePath
        self.archiveGate = archiveGate
    }

    /// The same database, with reads on a read-only connection of its own.
    ///
    /// For a caller that makes many small reads from one thread (the control socket):
    /// a read through the pool costs about 25 µs of reader checkout, dispatch and
    /// transaction bookkeeping around a 2 µs query. Writes still go through `writer`.
    /// Stores without a file (tests' in-memory databases) return themselves.
    func withDedicatedReader() throws -> Store {
        guard let pool = writer as? DatabasePool else { return self }
        var configuration = Self.configuration(archive: archivePath ?? Self.archivePath(forDatabase: pool.path))
        configuration.readonly = true
        return Store(writer: writer, dedicatedReader: try DatabaseQueue(path: pool.path, configuration: configuration),
                     runnerTokens: runnerTokens, archivePath: archivePath, archiveGate: archiveGate)
    }

    /// Runs `body`, which reads live and archived runs together when `includingArchive`,
    /// while no batch moves between them (see `ArchiveGate`).
    func readingArchive<T>(_ includingArchive: Bool, _ body: () throws -> T) throws -> T {
        includingArchive ? try archiveGate.shared(body) : try body()
    }

    /// Runs `body` in one read transaction: every statement sees the same snapshot.
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        guard let dedicatedReader else { return try writer.read(body) }
        return try dedicatedReader.inDatabase { db in
            // Plain BEGIN/COMMIT through cached statements: GRDB's transaction wrapper
            // costs several times the small queries it would wrap.
            try db.cachedStatement(sql: "BEGIN DEFERRED").execute()
            defer { try? db.cachedStatement(sql: "COMMIT").execute() }
            return try body(db)
        }
    }

    /// Runs `body`, which reads with one statement, without an explicit transaction:
    /// SQLite gives a lone statement a read transaction of its own, so its rows are one
    /// snapshot, and on the control socket BEGIN and COMMIT cost as much as a small query.
    func readStatement<T>(_ body: (Database) throws -> T) throws -> T {
        guard let dedicatedReader else { return try writer.read(body) }
        return try dedicatedReader.inDatabase(body)
    }

    /// Runs `body`, which reads with one statement, passing the connection's
    /// `PRAGMA data_version` when this store has a dedicated reader: it changes whenever
    /// another connection commits, so a result read at one version is current while the
    /// version stays. Nil without a dedicated reader (its own writes would not change it).
    func readStatementVersioned<T>(_ body: (Database, Int64?) throws -> T) throws -> T {
        guard let dedicatedReader else { return try writer.read { try body($0, nil) } }
        return try dedicatedReader.inDatabase { db in
            try body(db, try Int64.fetchOne(db.cachedStatement(sql: "PRAGMA data_version")))
        }
    }

    /// The writer's page cache: 256 MiB.
    static let writerCacheKiB = 262_144

    private static func configuration(archive: String) -> Configuration {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            if db.configuration.readonly {
                try db.execute(sql: "PRAGMA cache_size = -65536")  // 64 MiB per reader
            } else {
                // A first import inserts a million hashes in random order into the hash
                // index; with the index's pages in cache the import stays fast throughout
                // (with 64 MiB it slowed to a third of its starting speed).
                try db.execute(sql: "PRAGMA cache_size = -\(writerCacheKiB)")
                try db.execute(sql: "PRAGMA synchronous = NORMAL")
            }
            try attachArchive(db, path: archive)
        }
        return configuration
    }
}

extension Store {
    /// The number of rows changed through the writer connection since it opened.
    /// Tests use it to show that a no-op sync writes nothing.
    func totalChanges() throws -> Int {
        try writer.write { $0.totalChangesCount }
    }
}
