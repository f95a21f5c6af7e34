// Delivers confirmed regressions to the configured webhook URLs, retrying with backoff until each answers 2xx.
import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle

/// POSTs one JSON document per confirmed regression and URL (SPEC §9): the change's fields,
/// or a `SlackMessage` for chat channels' URLs. Deliveries live in the database, so a
/// restart resumes them; a failed one is retried after 2^attempts seconds, at most an hour apart.
final class WebhookService: Service, Sendable {
    private let store: Store
    private let logger: Logger
    private let pollInterval: Duration
    private let chatURLs: Set<String>
    private let publicURL: String?

    init(store: Store, logger: Logger, pollInterval: Duration = .seconds(1), chatURLs: Set<String> = [],
                publicURL: String? = nil) {
        self.store = store
        self.logger = logger
        self.pollInterval = pollInterval
        self.chatURLs = chatURLs
        self.publicURL = publicURL
    }

    /// The wait before attempt `attempts + 1`, in milliseconds.
    static func backoff(afterAttempts attempts: Int) -> Int64 {
        min(3_600_000, Int64(1000) << Int64(min(max(attempts, 0), 12)))
    }

    /// The body sent for a change: `changes.list`'s fields (RPC.md) and `"event": "regression"`.
    static func payload(_ change: PerformanceChange) -> JSONValue {
        guard case .object(var fields) = change.json else { return .null }
        fields["event"] = "regression"
        return .object(fields)
    }

    func run() async throws {
        let client = HTTPClient(eventLoopGroupProvider: .singleton,
                                configuration: .init(timeout: .init(connect: .seconds(5), read: .seconds(10))))
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            await deliverDue(client)
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: self.pollInterval) }
        }
        try await client.shutdown()
    }

    private func deliverDue(_ client: HTTPClient) async {
        let now = Timestamp.now()
        let due: [HookDelivery]
        do {
            due = try store.dueDeliveries(now: now)
        } catch {
            logger.warning("webhooks: could not read deliveries", metadata: ["error": "\(error)"])
            return
        }
        for delivery in due {
            var failure: String?
            do {
                guard let change = try store.change(id: delivery.changeID) else { continue }
                var request = HTTPClientRequest(url: delivery.url)
                request.method = .POST
                request.headers.add(name: "Content-Type", value: "application/json")
                request.headers.add(name: "User-Agent", value: "tablejohn")
                let body = chatURLs.contains(delivery.url) ? SlackMessage(change, publicURL: publicURL).json : Self.payload(change)
                request.body = .bytes(ByteBuffer(bytes: try body.serialized()))
                let response = try await client.execute(request, timeout: .seconds(15))
                if !(200..<300).contains(response.status.code) { failure = "HTTP \(response.status.code)" }
            } catch {
                failure = "\(error)"
            }
            let finished = Timestamp.now()
            do {
                try store.deliveryFinished(delivery, error: failure, retryAt: finished + Self.backoff(afterAttempts: delivery.attempts),
                                           now: finished)
            } catch {
                logger.warning("webhooks: could not record a delivery", metadata: ["error": "\(error)"])
            }
            if let failure {
                logger.warning("webhook failed; retrying later", metadata: ["url": "\(delivery.url)", "error": "\(failure)",
                                                                           "attempts": "\(delivery.attempts + 1)"])
            } else {
                logger.info("webhook delivered", metadata: ["url": "\(delivery.url)", "change": "\(delivery.changeID)"])
            }
        }
    }
}
