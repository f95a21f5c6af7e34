// GET /metrics: the daemon's Prometheus metrics, with the pages' access or a scraper's token.
import Crypto
import Foundation
import Hummingbird

/// Serves `DaemonMetrics` as Prometheus text.
///
/// Who may read it: the same people as the pages, since it shows what `/` already shows
/// (queue length, runners and their states, counts) plus request counts per route
/// pattern. On a public instance (`[web] public = true`) anyone; on a private one a
/// logged-in user, or a scraper sending `Authorization: Bearer <[web] metrics-token>`
/// (compared in constant time). `[web] metrics = false` turns the route off (404).
enum MetricsRoute {
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    static func add(to router: some RouterMethods<WebRequestContext>, _ web: WebContext) {
        guard let metrics = web.metrics else { return }
        router.get("/metrics") { request, context in
            guard web.isPublic || context.viewer.user != nil || hasToken(request, web.metricsToken) else {
                var refusal = Response.plainText(.unauthorized, "this tablejohn is private: log in, or send Authorization: Bearer with [web] metrics-token")
                refusal.headers[.wwwAuthenticate] = "Bearer realm=\"tablejohn metrics\""
                return refusal
            }
            let now = Timestamp.now()
            var states = Dictionary(uniqueKeysWithValues: RunnerOverview.State.allCases.map { ($0.metricLabel, 0) })
            for runner in try RunnerOverview.all(store: web.store, runners: web.runners, now: now) {
                states[runner.state.metricLabel, default: 0] += 1
            }
            let snapshot = DaemonMetrics.Snapshot(queueLength: try web.store.queueLength(), runsStored: try web.store.runCount(),
                                                  deliveriesPending: try web.store.pendingDeliveryCount(), runners: states)
            return Response(status: .ok, headers: [.contentType: contentType],
                            body: .init(byteBuffer: ByteBuffer(bytes: metrics.exposition(snapshot))))
        }
    }

    /// Whether the request carries the metrics token, compared by digest in constant time.
    static func hasToken(_ request: Request, _ token: String?) -> Bool {
        guard let token, let header = request.headers[.authorization], header.hasPrefix("Bearer ") else { return false }
        let given = SHA256.hash(data: Data(header.dropFirst(7).utf8))
        let expected = SHA256.hash(data: Data(token.utf8))
        return given.withUnsafeBytes { a in expected.withUnsafeBytes { b in zip(a, b).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0 } }
    }
}

extension RunnerOverview.State {
    /// The state as a Prometheus label value.
    var metricLabel: String { rawValue.replacingOccurrences(of: " ", with: "_") }
}
