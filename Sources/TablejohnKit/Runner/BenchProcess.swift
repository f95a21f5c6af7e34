// Running a bench command as its own process group, with its output read line by line.
import CProcess
import Foundation
import Synchronization

/// How a bench process ended.
enum BenchProcessEnd: Sendable, Equatable {
    case exited(Int32)
    case signalled(Int32)
    /// Killed by us: the per-run limit passed.
    case timedOut
    /// Killed by us: the run was aborted.
    case aborted

    /// The exit code to report: the process's own, or 128 + signal as shells do.
    var exitCode: Int {
        switch self {
        case .exited(let code): Int(code)
        case .signalled(let signal): 128 + Int(signal)
        case .timedOut, .aborted: 128 + Int(SIGKILL)
        }
    }
}

/// Starts a program in a new process group (so it and everything it starts can be
/// killed together), with stdin from /dev/null, no other inherited descriptor, and
/// stdout and stderr read line by line into a `RunOutput`.
///
/// The group is killed on timeout, on cancellation of the waiting task, and after the
/// program exits (children it left behind). Descendants that left the group (`setsid`)
/// are found by a marker variable in their environment and killed too; this process is
/// a child subreaper, so such orphans become its children and are reaped here by pid
/// (only marked pids: statuses of other children, e.g. `Process` uses, are never taken).
/// Once the program has exited, its pipes are read for at most `drainGrace` more, so a
/// descendant holding them cannot keep the run from ending.
enum BenchProcess {
    /// How long the pipes are read after the program exited and its descendants were killed.
    static let drainGrace: Duration = .seconds(2)
    /// The environment variable that marks every process of one run.
    static let markVariable = "TABLEJOHN_PROCESS_MARK"

    /// Runs `arguments[0]` (an absolute path) in `directory` with `environment`.
    /// `mark` marks its processes (`markVariable`); a caller that keeps it on disk can
    /// kill what a killed predecessor left running (`killLeftovers`).
    static func run(_ arguments: [String], directory: String, environment: [String: String],
                           timeout: Duration, output: RunOutput, mark: String = UUID().uuidString) async throws -> BenchProcessEnd {
        Descendants.becomeSubreaper()
        var environment = environment
        environment[markVariable] = mark
        let outPipe = try makePipe()
        let errPipe = try makePipe()
        var pid: pid_t = 0
        let spawned = withCStrings(arguments) { argv in
            withCStrings(environment.map { "\($0.key)=\($0.value)" }) { envp in
                tj_spawn(arguments[0], argv, envp, directory, outPipe.write, errPipe.write, &pid)
            }
        }
        close(outPipe.write)
        close(errPipe.write)
        guard spawned == 0 else {
            close(outPipe.read)
            close(errPipe.read)
            throw CocoaError(.executableLoad, userInfo: [NSLocalizedDescriptionKey: "cannot start \(arguments[0]): \(String(cString: strerror(spawned)))"])
        }
        let group = pid
        let child = pid
        let stop = ReadDeadline()
        // Reading and waiting block, so they get threads of their own, not the task pool's.
        let readers = [reader(outPipe.read, .stdout, output, stop), reader(errPipe.read, .stderr, output, stop)]
        let waiter = Task { await onThread { waitForExit(child) } }

        let killedFor = KillReason()
        let killAll: @Sendable () -> Void = {
            kill(-group, SIGKILL)
            Descendants.kill(marked: mark, sparing: child)
        }
        // The watchdog is a thread of its own: a busy task pool must not delay a kill.
        let exited = DispatchSemaphore(value: 0)
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        Thread.detachNewThread {
            if exited.wait(timeout: .now() + min(seconds, 1e9)) == .timedOut {
                killedFor.set(.timedOut)
                killAll()
            }
        }
        let end: BenchProcessEnd = await withTaskCancellationHandler {
            let status = await waiter.value
            exited.signal()
            return killedFor.reason ?? status
        } onCancel: {
            killedFor.set(.aborted)
            killAll()
        }
        // Whatever the program left running, in its group or escaped from it, goes too,
        // so the pipes close; a descendant that still holds them is not waited for long.
        await onThread { killAll() }
        stop.set(after: drainGrace)
        for reader in readers { await reader.value }
        return end
    }

    /// Kills the processes of a run marked `mark` that outlived their runner (killed with
    /// SIGKILL, it could not stop them); returns how many there were.
    static func killLeftovers(marked mark: String) -> Int {
        Descendants.kill(marked: mark, sparing: 0)
    }

    /// When readers stop reading: never, until the program has exited.
    private final class ReadDeadline: Sendable {
        private let deadline = Mutex<ContinuousClock.Instant?>(nil)
        func set(after grace: Duration) { deadline.withLock { $0 = .now + grace } }
        var passed: Bool { deadline.withLock { $0.map { ContinuousClock.now >= $0 } ?? false } }
    }

    private final class KillReason: @unchecked Sendable {
        private let lock = NSLock()
        private var value: BenchProcessEnd?
        func set(_ reason: BenchProcessEnd) { lock.withLock { if value == nil { value = reason } } }
        var reason: BenchProcessEnd? { lock.withLock { value } }
    }

    private static func makePipe() throws -> (read: Int32, write: Int32) {
        var fds: [Int32] = [0, 0]
        guard tj_pipe_cloexec(&fds) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        return (fds[0], fds[1])
    }

    private static func waitForExit(_ pid: pid_t) -> BenchProcessEnd {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return .signalled(SIGKILL) }
        }
        let signal = status & 0x7f
        return signal == 0 ? .exited((status >> 8) & 0xff) : .signalled(signal)
    }

    /// Reads `fd` to its end on a thread of its own, splitting lines (invalid UTF-8 replaced).
    /// Stops at the end of the stream, or once `stop` has passed (a descendant still holds it).
    private static func reader(_ fd: Int32, _ source: OutputSource, _ output: RunOutput, _ stop: ReadDeadline) -> Task<Void, Never> {
        Task { await onThread { readLines(fd, source, output, stop) } }
    }

    private static func readLines(_ fd: Int32, _ source: OutputSource, _ output: RunOutput, _ stop: ReadDeadline) {
            defer { close(fd) }
            var pending: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65536)
            while !stop.passed {
                var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                let ready = poll(&poller, 1, 100)
                if ready < 0 && errno != EINTR { break }
                if ready <= 0 { continue }
                let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                if count <= 0 { break }
                pending.append(contentsOf: buffer[0..<count])
                var start = 0
                while let newline = pending[start...].firstIndex(of: UInt8(ascii: "\n")) {
                    output.append(source, String(decoding: pending[start..<newline], as: UTF8.self))
                    start = newline + 1
                }
                pending.removeFirst(start)
                if pending.count > 65536 {
                    output.append(source, String(decoding: pending, as: UTF8.self))
                    pending.removeAll()
                }
            }
            if !pending.isEmpty { output.append(source, String(decoding: pending, as: UTF8.self)) }
    }

    /// Runs blocking `work` on a new thread and waits for its result.
    private static func onThread<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: work()) }
        }
    }

    private static func withCStrings<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
        let pointers = strings.map { strdup($0) } + [nil]
        defer { pointers.forEach { free($0) } }
        return body(pointers)
    }
}
