import ServiceLifecycle
import Synchronization
import Testing
@testable import TablejohnKit

@Suite("Start after listening")
struct StartAfterListeningTests {
    final class Recorder: Service, Sendable {
        let started = Mutex(false)
        func run() async throws { started.withLock { $0 = true } }
    }

    @Test("the service waits for the listening signal and then runs")
    func waitsForSignal() async throws {
        let recorder = Recorder()
        let (listening, announce) = AsyncStream<Void>.makeStream()
        let gated = StartAfterListening(make: { recorder }, listening: listening)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await gated.run() }
            for _ in 0..<50 { await Task.yield() }
            #expect(recorder.started.withLock { $0 } == false)
            announce.yield()
            try await group.waitForAll()
        }
        #expect(recorder.started.withLock { $0 })
    }

    @Test("cancelled before the signal, it ends without running the service")
    func cancelledFirst() async throws {
        let recorder = Recorder()
        let (listening, _) = AsyncStream<Void>.makeStream()
        let task = Task { try await StartAfterListening(make: { recorder }, listening: listening).run() }
        task.cancel()
        try await task.value
        #expect(recorder.started.withLock { $0 } == false)
    }
}
