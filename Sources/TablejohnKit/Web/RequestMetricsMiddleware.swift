// Counts and times every HTTP request by its route pattern, method and status, for /metrics.
import Hummingbird
import NIOCore

/// Records each answered request in `DaemonMetrics`, after its body was written (a
/// streamed export counts until its last byte). The route is the matched pattern
/// (`/commit/{rev}/`), never the raw path: addresses made up by clients all count as
/// `unmatched`, so they add no series.
struct RequestMetricsMiddleware: RouterMiddleware {
    typealias Context = WebRequestContext
    let metrics: DaemonMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = NIODeadline.now()
        let method = request.method.rawValue
        do {
            var response = try await next(request, context)
            let status = Int(response.status.code)
            let record = { @Sendable [metrics] in
                metrics.request(route: context.endpointPath ?? "unmatched", method: method, status: status,
                                nanoseconds: UInt64(max(0, (NIODeadline.now() - started).nanoseconds)))
            }
            // A body of known length is in memory already; a streamed one (an export) is
            // timed to its last byte, as Hummingbird's own metrics middleware does.
            guard response.body.contentLength == nil else {
                record()
                return response
            }
            let body = response.body
            response.body = ResponseBody { writer in
                do {
                    try await body.write(writer)
                    record()
                } catch {
                    record()
                    throw error
                }
            }
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            metrics.request(route: context.endpointPath ?? "unmatched", method: method, status: Int(status),
                            nanoseconds: UInt64(max(0, (NIODeadline.now() - started).nanoseconds)))
            throw error
        }
    }
}
