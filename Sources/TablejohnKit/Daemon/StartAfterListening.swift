// Holds a service back until the web server listens: the local runner's first call must find it.
import ServiceLifecycle

/// Runs `service` once `listening` yields (or ends); a shutdown before that ends it quietly.
///
/// Services of one group start together, and the local runner used to call the server
/// before it had bound its port, so a clean start logged "status call failed …
/// Connection refused" as the first line a new user reads.
struct StartAfterListening<Wrapped: Service>: Service {
    let service: Wrapped
    let listening: AsyncStream<Void>

    func run() async throws {
        await cancelWhenGracefulShutdown {
            for await _ in listening { break }
        }
        guard !Task.isCancelled, !Task.isShuttingDownGracefully else { return }
        try await service.run()
    }
}
