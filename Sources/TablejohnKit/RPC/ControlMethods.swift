// Every JSON-RPC method of the control socket in one table; documented in RPC.md at the repository's top.
import Foundation

/// The daemon's admin API over JSON-RPC: thin adapters over `AdminCommands`. Each
/// method reads its parameters with `RPCParams`, calls one admin action, and words its
/// result as JSON; errors become RPC errors in one place (`translate`). The methods
/// live by concern in `ControlMethods+….swift`; `methods` is the one list of them.
struct ControlMethods: Sendable {
    /// The admin actions every method calls.
    var commands: AdminCommands
    var store: Store { commands.store }
    var resolver: RevisionResolver { commands.resolver }
    var repositoryPath: String
    var databasePath: String
    /// The sync loop whose state `status` reports.
    var sync: SyncService
    /// What `db.query` may cost (`[sql]` in the configuration).
    var sqlLimits: UserQueryLimits {
        get { commands.sqlLimits }
        set { commands.sqlLimits = newValue }
    }
    /// Where `runs.submit` is counted; nil: nowhere.
    var metrics: DaemonMetrics? {
        get { commands.daemonMetrics }
        set { commands.daemonMetrics = newValue }
    }
    /// How `users.add` and `users.passwd` hash passwords; tests lower its cost.
    var passwordHasher: PasswordHasher {
        get { commands.passwordHasher }
        set { commands.passwordHasher = newValue }
    }

    init(store: Store, exportStore: Store? = nil, sync: SyncService, resolver: RevisionResolver, repositoryPath: String,
                databasePath: String, runners: RunnerAPI? = nil) {
        self.commands = AdminCommands(store: store, exportStore: exportStore, resolver: resolver, sync: sync, runners: runners)
        self.sync = sync
        self.repositoryPath = repositoryPath
        self.databasePath = databasePath
    }

    /// The largest page an export or listing returns.
    static let maximumPage: Int64 = 100_000

    /// A method: the parameter names it takes (in positional order), and its adapter.
    public struct Method: Sendable {
        /// The names for these params; `runs.export` takes fewer when it streams.
        var names: @Sendable (JSONValue?) -> [String]
        var call: @Sendable (ControlMethods, RPCParams) throws -> RPCResult

        init(_ names: [String], _ call: @escaping @Sendable (ControlMethods, RPCParams) throws -> RPCResult) {
            self.names = { _ in names }
            self.call = call
        }

        init(names: @escaping @Sendable (JSONValue?) -> [String], _ call: @escaping @Sendable (ControlMethods, RPCParams) throws -> RPCResult) {
            self.names = names
            self.call = call
        }

        /// A method answered at once.
        static func now(_ names: [String], _ call: @escaping @Sendable (ControlMethods, RPCParams) throws -> JSONValue) -> Method {
            Method(names) { methods, params in .value(try call(methods, params)) }
        }
    }

    /// Every method, by name: the one table `dispatch` reads.
    static let methods: [String: Method] = [
        "status": .now([]) { try $0.status($1) },
        "repo.fetch": Method([]) { $0.fetch($1) },
        "refs.list": .now(["tracked"]) { try $0.refsList($1) },
        "refs.track": .now(["ref"]) { try $0.track($1, true) },
        "refs.untrack": .now(["ref"]) { try $0.track($1, false) },
        "queue.list": .now(["limit"]) { try $0.queueList($1) },
        "queue.add": .now(["rev", "priority"]) { try $0.queueAdd($1) },
        "queue.remove": .now(["rev"]) { try $0.queueRemove($1) },
        "queue.prioritize": .now(["rev", "priority"]) { try $0.queuePrioritize($1) },
        "queue.backfill": .now(["ref", "last", "priority"]) { try $0.backfill($1) },
        "runs.list": .now(filterNames + ["limit", "cursor"]) { try $0.runsList($1) },
        "runs.get": .now(["id", "include_archive"]) { try $0.runGet($1) },
        "runs.delete": .now(["id"]) { try $0.runDelete($1) },
        "runs.submit": .now(["commit", "files", "names", "format", "runner", "fingerprint"]) { try $0.runSubmit($1) },
        "runs.import": .now(["runs"]) { try $0.runImport($1) },
        // With "stream": true the export is the whole CSV as raw chunks, so no page options.
        "runs.export": Method(names: { params in
            params?["stream"] == .bool(true) ? ["format", "stream"] + filterNames : ["format", "stream"] + filterNames + ["limit", "cursor"]
        }) { try $0.export($1) },
        "metrics.list": .now([]) { try $0.metricsList($1) },
        "metrics.set": .now(["name", "unit", "direction"]) { try $0.metricSet($1) },
        "runners.list": .now([]) { try $0.runnersList($1) },
        "runners.add": .now(["name"]) { try $0.runnerAdd($1) },
        "runners.revoke": .now(["name"]) { try $0.runnerRevoke($1) },
        "changes.list": .now(["state", "all", "commit", "kind", "tracked", "limit"]) { try $0.changesList($1) },
        "changes.ack": .now(["id"]) { try $0.changeAck($1) },
        "compare": Method(["base", "head", "threshold"]) { try $0.compare($1) },
        "users.list": .now([]) { try $0.usersList($1) },
        "users.add": Method(["name", "password", "admin"]) { try $0.userAdd($1) },
        "users.passwd": Method(["name", "password"]) { try $0.userPasswd($1) },
        "users.remove": .now(["name"]) { try $0.userRemove($1) },
        "db.query": Method(["sql", "limit", "offset"]) { try $0.dbQuery($1) },
        "db.backup": Method(["path", "force"]) { try $0.dbBackup($1) },
        "archive.status": .now([]) { try $0.archiveStatus($1) },
        "archive.move": Method(["before", "ref", "keep_last"]) { try $0.archiveMove($1) },
        "archive.restore": Method(["before", "after"]) { try $0.archiveRestore($1) },
    ]

    /// A JSON-RPC handler for `JSONRPCProtocol`.
    var handler: JSONRPCProtocol.Handler {
        { (method: String, params: JSONValue?) throws(RPCError) -> RPCResult in
            do {
                return try dispatch(method, params)
            } catch {
                throw Self.translate(error)
            }
        }
    }

    /// Calls a method and waits for its result, deferred or not (for tests).
    func call(_ method: String, _ params: JSONValue?) async throws -> JSONValue {
        switch try dispatch(method, params) {
        case .value(let value): return value
        case .deferred(let work): return try await work()
        case .stream(let result, let source):
            source.cancel()
            return result
        }
    }

    func dispatch(_ method: String, _ params: JSONValue?) throws -> RPCResult {
        guard let entry = Self.methods[method] else { throw RPCError.methodNotFound(method) }
        return try entry.call(self, try RPCParams(params, names: entry.names(params)))
    }

    /// Work that finishes after the call returns (off the socket's thread), its errors translated.
    static func later(_ work: @escaping @Sendable () async throws -> JSONValue) -> RPCResult {
        .deferred { () async throws(RPCError) -> JSONValue in
            do {
                return try await work()
            } catch {
                throw translate(error)
            }
        }
    }

    static func now() -> Int64 { Timestamp.now() }
}
