// Measuring the disk gate's paths off the runner's loop, so a hung mount cannot stop its status calls.
import Foundation
import Synchronization

/// Measures free space on threads of its own, each measurement bounded by `timeout`.
///
/// statvfs on a network mount whose server is gone can block for minutes or forever;
/// the runner's loop must go on calling its servers (else it would look offline and
/// lose its reservations). A path whose measurement does not return in time reads as
/// unknown, which pauses the runner with that reason; while it stays stuck, later
/// rounds answer at once instead of starting another thread for it.
final class DiskProbe: Sendable {
    /// statvfs, or a stand-in in tests.
    private let read: @Sendable (String) -> DiskGate.FreeSpace
    private let timeout: Duration
    private let inFlight = Mutex<Set<String>>([])

    init(timeout: Duration = .seconds(5), measure: @escaping @Sendable (String) -> DiskGate.FreeSpace = DiskGate.measure) {
        self.timeout = timeout
        self.read = measure
    }

    /// The free space of each path, measured at the same time.
    func measure(_ paths: [String]) async -> [String: DiskGate.FreeSpace] {
        await withTaskGroup(of: (String, DiskGate.FreeSpace).self) { group in
            for path in Set(paths) { group.addTask { (path, await self.measure(path)) } }
            var results: [String: DiskGate.FreeSpace] = [:]
            for await (path, space) in group { results[path] = space }
            return results
        }
    }

    /// The free space at `path`, or unknown when statvfs has not answered within `timeout`.
    func measure(_ path: String) async -> DiskGate.FreeSpace {
        guard inFlight.withLock({ $0.insert(path).inserted }) else {
            return .unknown("an earlier measurement has not returned yet")
        }
        let seconds = Double(timeout.milliseconds) / 1000
        return await withCheckedContinuation { continuation in
            let answer = Answer(continuation)
            let thread = Thread {
                let space = self.read(path)
                self.inFlight.withLock { _ = $0.remove(path) }
                answer.give(space)
            }
            thread.start()
            DispatchQueue.global().asyncAfter(deadline: .now() + seconds) {
                answer.give(.unknown(String(format: "no answer within %g s", seconds)))
            }
        }
    }

    /// Resumes its continuation once: with the measurement, or the timeout, whichever comes first.
    private final class Answer: Sendable {
        private let continuation: Mutex<CheckedContinuation<DiskGate.FreeSpace, Never>?>

        init(_ continuation: CheckedContinuation<DiskGate.FreeSpace, Never>) {
            self.continuation = Mutex(continuation)
        }

        func give(_ space: DiskGate.FreeSpace) {
            continuation.withLock { $0.take() }?.resume(returning: space)
        }
    }
}
