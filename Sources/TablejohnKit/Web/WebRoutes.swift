// Every HTTP route the daemon serves, in one place.
import Foundation
import Hummingbird
import Logging

/// What the routes read from.
struct WebContext: Sendable {
    var store: Store
    var sync: SyncStatus
    var repositoryPath: String
    var resolver: RevisionResolver
    var runners: RunnerAPI
    /// Metric series kept for the graph until the database changes.
    var series: SeriesCache
    /// `[web] public`: whether reading needs no login.
    var isPublic: Bool
    /// The sync loop the admin "fetch now" action runs a round of; nil: the action is unavailable.
    var syncService: SyncService?
    /// The admin actions the forms call: the same functions as the control socket's.
    var commands: AdminCommands {
        AdminCommands(store: store, resolver: resolver, sync: syncService, runners: runners)
    }
    /// Failed-login waits and the bound on password checks in flight.
    let loginGate = LoginGate()
    /// Bounds the CSV exports streaming at once.
    let exports: ExportGate
    /// Which Host headers are answered (`[web] address` and `allowed-hosts`).
    var hostPolicy = HostPolicy.loopback
    /// `[repo] hook-secret`: nil turns `POST /api/hook` off (404).
    var hookSecret: HookSecret?
    /// What a good push hook delivery does: ask the sync loop for a round now.
    var requestFetch: @Sendable () -> Void
    /// The daemon's metrics, served at `/metrics`; nil: not counted, and no such route.
    var metrics: DaemonMetrics?
    /// `[web] metrics-token`: a bearer token that opens `/metrics` on a private instance.
    var metricsToken: String?
    /// `[web] base-path`: where a reverse proxy serves the routes; `.root` for none.
    var basePath = BasePath.root

    init(store: Store, sync: SyncStatus, repositoryPath: String, resolver: RevisionResolver, runners: RunnerAPI? = nil,
                isPublic: Bool = true, syncService: SyncService? = nil, exportLimit: Int = 4) {
        self.store = store
        self.sync = sync
        self.repositoryPath = repositoryPath
        self.resolver = resolver
        self.runners = runners ?? RunnerAPI(store: store)
        self.series = SeriesCache(store: store)
        self.isPublic = isPublic
        self.syncService = syncService
        self.exports = ExportGate(limit: exportLimit)
        self.requestFetch = { [syncService] in syncService?.requestSync() }
    }
}

enum WebRoutes {
    /// Builds the router with all of tablejohn's pages.
    static func router(_ web: WebContext) -> Router<WebRequestContext> {
        let router = Router(context: WebRequestContext.self)
        // Outermost, so refusals by the middlewares below are counted too.
        if let metrics = web.metrics { router.add(middleware: RequestMetricsMiddleware(metrics: metrics)) }
        // In this order, before every route: headers on every answer (refusals too), the
        // Host check before anything reads the database, then who is asking.
        router.add(middleware: SecurityHeadersMiddleware())
        router.add(middleware: HostCheckMiddleware(policy: web.hostPolicy))
        // Errors the routes throw become their one answer (HTTPErrorAnswer), after the Host check.
        router.add(middleware: HTTPErrorAnswerMiddleware())
        addRoutes(RouteTable(router: router, store: web.store, isPublic: web.isPublic), web)
        return router
    }

    /// Every route, each under its access rule: the one place that says who may call what.
    static func addRoutes(_ table: RouteTable, _ web: WebContext) {
        let reading = table.routes(.reading)
        PageRoutes.add(to: reading, web)
        GraphRoutes.add(to: reading, web)
        reading.get("/api/export.csv") { request, _ in try ExportRoute.response(request, web) }
        reading.get("/api/changes") { request, _ in try ChangesRoute.response(request, web) }
        StaticAssets.add(to: table.routes(.open))
        RunnerRoutes.add(to: table.routes(.runnerToken), runners: web.runners, resolver: web.resolver)
        AuthRoutes.add(to: table.routes(.session), web)
        AdminRoutes.add(to: table.routes(.admin), web)
        PushHookRoute.add(to: table.routes(.hookSignature), secret: web.hookSecret, requestFetch: web.requestFetch)
        MetricsRoute.add(to: table.routes(.metricsToken), web)
    }

    /// The routes `router(web)` serves, with their access rules, in the order added.
    static func routeTable(_ web: WebContext) -> [RouteEntry] {
        let table = RouteTable(router: Router(context: WebRequestContext.self), store: web.store, isPublic: web.isPublic)
        addRoutes(table, web)
        return table.entries
    }

    /// The router behind the base path: what the HTTP server answers with.
    static func responder(_ web: WebContext) -> BasePathResponder<RouterResponder<WebRequestContext>> {
        BasePathResponder(base: web.basePath, inner: router(web).buildResponder())
    }
}

extension Response {
    /// A one-line plain-text answer, such as an error message for API callers.
    static func plainText(_ status: HTTPResponse.Status, _ message: String) -> Response {
        Response(status: status, headers: [.contentType: "text/plain; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(string: message + "\n")))
    }
}

/// A complete HTML page as a response.
struct HTMLResponse: ResponseGenerator {
    var html: String
    var status: HTTPResponse.Status = .ok

    init(_ html: String, status: HTTPResponse.Status = .ok) {
        self.html = html
        self.status = status
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        Response(status: status,
                 headers: [.contentType: "text/html; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}

extension WebContext {
    /// The Hummingbird application serving tablejohn's pages at `address`.
    /// Slow clients get `idleTimeout` to send a request head and are closed after that long
    /// with nothing in flight; past `maxConnections` new connections wait to be accepted.
    /// `onListening` runs once the port is bound.
    func application(address: SocketAddressSetting, idleTimeout: Duration = .seconds(30), maxConnections: Int = 512,
                            logger: Logger, onListening: @escaping @Sendable () async -> Void = {}) -> some ApplicationProtocol {
        Application(responder: WebRoutes.responder(self),
                    server: .http1(configuration: .init(idleTimeout: .seconds(max(1, min(idleTimeout.components.seconds, 86_400))))),
                    configuration: .init(address: .hostname(address.host, port: address.port), serverName: "tablejohn",
                                         availableConnectionsDelegate: .maximum(maxConnections, logger: logger)),
                    onServerRunning: { _ in await onListening() },
                    logger: logger)
    }
}
