// The admin actions as typed functions: the one place the control socket and the web pages both call.
import Foundation

/// What an admin can do to a running tablejohn: track refs, change the queue, read,
/// submit, import and delete runs, manage runners, users and metrics, acknowledge
/// changes, fetch, archive, query and back up. Each action takes typed values, checks
/// them, changes the store, and returns what it did or throws a domain error
/// (`AdminError`, `RevisionError`, `RunError`, …). The JSON-RPC methods
/// (`ControlMethods`) and the web forms (`AdminRoutes`) only read their input, call
/// an action, and word its result or error for their caller, so the two cannot drift.
struct AdminCommands: Sendable {
    var store: Store
    /// Where long reads (exports, archive moves, SQL, backups) run: the shared pool, so
    /// they never hold a caller's own connection.
    var exportStore: Store
    var resolver: RevisionResolver
    /// The sync loop `fetch` runs a round of; nil: fetching is unavailable here.
    var sync: SyncService?
    /// The runner API's live state (what each runner is doing); nil: no runner API.
    var runnerAPI: RunnerAPI?
    /// How new passwords are hashed; tests lower its cost.
    var passwordHasher = PasswordHasher()
    /// What `query` may cost (`[sql]` in the configuration).
    var sqlLimits = UserQueryLimits()
    /// Where submissions are counted; nil: nowhere.
    var daemonMetrics: DaemonMetrics?

    init(store: Store, exportStore: Store? = nil, resolver: RevisionResolver, sync: SyncService? = nil,
                runners: RunnerAPI? = nil) {
        self.store = store
        self.exportStore = exportStore ?? store
        self.resolver = resolver
        self.sync = sync
        self.runnerAPI = runners
    }

    /// The most commits one `enqueue` may name.
    static let maximumQueuedAtOnce = 10_000

    static func now() -> Int64 { Timestamp.now() }
}
