// Which tablejohn runs are in progress on this machine, across runner processes: one locked file per run.
import Foundation

/// Each run in progress holds an exclusive `flock` on a file of its own in a directory
/// shared by every runner process of the machine (`/tmp/tablejohn-runs-UID` by default).
/// A run is sharing the machine when another file there is locked; a file nobody locks
/// (its runner died) is removed. Locks end with their process, so a killed runner never
/// leaves a run that seems to go on.
final class MachineRuns: Sendable {
    let directory: String

    init(directory: String = NSTemporaryDirectory() + "/tablejohn-runs-\(getuid())") {
        self.directory = directory
    }

    /// One run's place, held until `end()` (or the process exits).
    final class Registration: Sendable {
        private let fd: Int32
        private let path: String
        let machine: MachineRuns

        fileprivate init?(machine: MachineRuns, name: String) {
            try? FileManager.default.createDirectory(atPath: machine.directory, withIntermediateDirectories: true,
                                                     attributes: [.posixPermissions: 0o700])
            path = machine.directory + "/" + name
            fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
            guard fd >= 0, flock(fd, LOCK_EX | LOCK_NB) == 0 else {
                if fd >= 0 { close(fd) }
                return nil
            }
            self.machine = machine
        }

        /// Whether another run holds its place now.
        var othersRunning: Bool { machine.lockedFiles(except: path) > 0 }

        func end() {
            unlink(path)
            close(fd)
        }
    }

    /// Registers a run in progress; nil when the directory cannot be used (the run then
    /// reports nothing about sharing).
    func begin(runID: String) -> Registration? {
        let safe = String(runID.filter { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }.prefix(64))
        return Registration(machine: self, name: "\(getpid())-\(safe.isEmpty ? "run" : safe)")
    }

    /// How many files other than `own` are locked by a run in progress; removes stale ones.
    fileprivate func lockedFiles(except own: String) -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        var locked = 0
        for name in names.prefix(10_000) where directory + "/" + name != own {
            let path = directory + "/" + name
            let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
            guard fd >= 0 else { continue }
            if flock(fd, LOCK_SH | LOCK_NB) == 0 {
                unlink(path)  // nobody runs under it any more
            } else {
                locked += 1
            }
            close(fd)
        }
        return locked
    }

    /// The conditions of a run starting now: the load average, the governor, and whether
    /// another run is in progress (`registration` says it again at the end).
    static func conditionsNow(registration: Registration?) -> RunConditions {
        var loads = [Double](repeating: 0, count: 1)
        let load = getloadavg(&loads, 1) == 1 ? loads[0] : nil
        let governor = (try? String(contentsOfFile: "/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return RunConditions(loadAverage: load.flatMap { $0.isFinite && $0 >= 0 ? $0 : nil }, governor: governor.flatMap(RunConditions.governor),
                             sharedMachine: registration.map { $0.othersRunning })
    }
}
