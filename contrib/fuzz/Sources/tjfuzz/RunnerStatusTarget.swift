// Fuzz target "runner-status": a runner's status call body, decoded and answered as the server does.
import Dispatch
@testable import TablejohnKit

/// Parses the input as the body of `POST /api/runner/status` and passes it to the real
/// `RunnerAPI` over an imported in-memory store, as the route does. A submission
/// whose run lands must hold only finite numbers; every reply must serialize.
final class RunnerStatusTarget: FuzzTarget {
    private let repository = FuzzRepository()
    private let store: Store
    private let service: RunnerAPI
    private var now: Int64 = 1_800_000_000_000

    init() {
        store = repository.importedStore()
        service = RunnerAPI(store: store, repository: repository.git)
    }

    func run(_ input: [UInt8]) {
        guard let body = try? JSONValue.parse(input) else { return }
        // The same run decoder reads `runs.import` exports.
        _ = try? ExternalRun.fromExport(body)
        now += 1000
        let (service, now) = (self.service, self.now)
        let done = DispatchSemaphore(value: 0)
        let outcome = OutcomeBox()
        Task {
            do {
                let reply = try await service.status(name: "fuzz-runner", body: body, now: now)
                outcome.reply = reply
            } catch {
                outcome.failed = true
            }
            done.signal()
        }
        done.wait()
        if let reply = outcome.reply {
            do {
                _ = try reply.serialized()
            } catch {
                fatalError("a status reply cannot be serialized: \(error)")
            }
        }
    }
}

/// What the status call ended with, written by its task before the semaphore is signalled.
private final class OutcomeBox: @unchecked Sendable {
    var reply: JSONValue?
    var failed = false
}
