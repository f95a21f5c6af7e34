import Foundation
import Logging
import Testing
import TestSupport
@testable import TablejohnKit

@Suite("Webhook deliveries")
struct WebhookDeliveryTests {
    @Test("a confirmed regression is due once per URL; a failure is retried after the backoff; a delivery ends it")
    func retriesUntilDelivered() throws {
        // Given a change that becomes confirmed with two webhook URLs configured
        let repo = try TestRepository()
        let hashes = try repo.commits(3)
        let store = try Store.inMemory()
        _ = try Importer(repository: GitRepository(opening: repo.path), store: store, logger: Logger(label: "test")).run()
        try store.record(Run(id: "r", commit: hashes[2], benchMethod: "command", runnerName: "box", fingerprint: nil, start: 1, end: 2,
                             exitCode: 0, origin: .runner, measurements: [try Measurement(metric: "t", value: 1)]))
        let series = try #require(try store.detectionSeries(ref: "refs/heads/main", tip: try store.commitID(of: hashes[2]), window: 10).first)
        let fields = ChangeFields(lowCommit: try store.commitID(of: hashes[1]), highCommit: try store.commitID(of: hashes[2]),
                                  before: 1, after: 1.2, magnitude: 0.2, kind: .regression, confidence: 0.99, state: .confirmed, requeues: 2)
        #expect(try store.apply([.insert(fields)], for: series, priority: 10, hooks: ["http://a/hook", "http://b/hook"], now: 10_000) == 1)

        // When the first attempt at one URL fails
        let due = try store.dueDeliveries(now: 10_000)
        #expect(due.map(\.url) == ["http://a/hook", "http://b/hook"])
        let failed = due[0]
        try store.deliveryFinished(failed, error: "HTTP 500", retryAt: 10_000 + WebhookService.backoff(afterAttempts: failed.attempts), now: 10_000)
        try store.deliveryFinished(due[1], error: nil, retryAt: 0, now: 10_000)

        // Then it is due again after a second, with its attempt counted, and the delivered one never again
        #expect(try store.dueDeliveries(now: 10_500).isEmpty)
        #expect(try store.dueDeliveries(now: 11_000) == [HookDelivery(changeID: failed.changeID, url: "http://a/hook", attempts: 1)])
        try store.deliveryFinished(try store.dueDeliveries(now: 11_000)[0], error: nil, retryAt: 0, now: 11_000)
        #expect(try store.dueDeliveries(now: .max).isEmpty)

        // And the body names the change
        let change = try #require(try store.change(id: failed.changeID))
        let body = WebhookService.payload(change)
        #expect(body["event"] == "regression")
        #expect(body["commit"] == .string(hashes[2]))
        #expect(body["base"] == .string(hashes[1]))
        #expect(body["state"] == "confirmed")
    }

    @Test("the backoff doubles from one second and stops growing at an hour")
    func backoff() {
        #expect((0...4).map(WebhookService.backoff(afterAttempts:)) == [1_000, 2_000, 4_000, 8_000, 16_000])
        #expect(WebhookService.backoff(afterAttempts: 11) == 2_048_000)
        #expect(WebhookService.backoff(afterAttempts: 12) == 3_600_000)
        #expect(WebhookService.backoff(afterAttempts: 500) == 3_600_000)
    }
}
