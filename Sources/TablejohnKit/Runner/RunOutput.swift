// A run's output as it arrives: every line tagged with its stream, kept within a budget.
import Synchronization

/// Collects a run's output lines from several threads. Keeps the first lines up to a
/// byte budget (so a submission stays under the server's size limit), then notes how
/// much was dropped; the last lines are always available for live output.
final class RunOutput: Sendable {
    typealias Line = (source: OutputSource, text: String)

    private struct State {
        var lines: [Line] = []
        var bytes = 0
        var droppedLines = 0
        var tail: [Line] = []
    }

    private let state = Mutex(State())
    private let budget: Int
    private let tailLength: Int

    /// Keeps up to `budget` bytes of lines, and the last `tailLength` lines for live output.
    init(budget: Int = 4 << 20, tailLength: Int = 20) {
        self.budget = budget
        self.tailLength = tailLength
    }

    func append(_ source: OutputSource, _ text: String) {
        state.withLock { state in
            let line = (source, text)
            if state.bytes + text.utf8.count + 16 <= budget {
                state.lines.append(line)
                state.bytes += text.utf8.count + 16
            } else {
                state.droppedLines += 1
            }
            state.tail.append(line)
            if state.tail.count > tailLength { state.tail.removeFirst(state.tail.count - tailLength) }
        }
    }

    /// Every kept line, with a final internal line saying how many were dropped, if any.
    var lines: [Line] {
        state.withLock { state in
            state.droppedLines == 0 ? state.lines
                : state.lines + [(.internal, "tablejohn: \(state.droppedLines) more output lines were not kept")]
        }
    }

    /// The most recent lines, for status calls.
    var lastLines: [Line] { state.withLock { $0.tail } }
}
