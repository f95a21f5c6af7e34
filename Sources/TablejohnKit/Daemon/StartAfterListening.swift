// Holds a service back until the web server listens: the local runner's first call must find it.
import ServiceLifecycle

/// Makes and runs a service once `listening` yields (or ends); a shutdown before that
/// ends it quietly, with nothing made (a runner's HTTP client must be shut down once made).
///
/// Services of one group start together, and the local runner used to call the server
/// before it had bound its port, so a clean start logged "status call failed …
/// Connection refused" as the first line a new user reads.
struct StartAfterListening<Wrapped: Service>: Service {
    let make: @Sendable () -> Wrapped
    let listening: AsyncStream<Void>

    func run() async throws {
        await cancelWhenGracefulShutdown {
            for await _ in listening { break }
        }
        guard !Task.isCancelled, !Task.isShuttingDownGracefully else { return }
        try await make().run()
    }
}
