// A second SIGTERM or SIGINT ends the process at once, even mid-shutdown.
import Dispatch
import Foundation
import Logging
import Synchronization

/// Counts termination signals next to the service group's own handling; the first
/// starts graceful shutdown (in `ServiceGroup`), the second exits immediately.
final class SignalEscalation {
    private let sources: [any DispatchSourceSignal]

    init(logger: Logger) {
        let count = Atomic<Int>(0)
        var sources: [any DispatchSourceSignal] = []
        for signalNumber in [SIGTERM, SIGINT] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                if count.add(1, ordering: .relaxed).newValue >= 2 {
                    logger.warning("second signal: exiting now")
                    _exit(128 + signalNumber)
                }
            }
            source.resume()
            sources.append(source)
        }
        self.sources = sources
    }

    deinit { sources.forEach { $0.cancel() } }
}
