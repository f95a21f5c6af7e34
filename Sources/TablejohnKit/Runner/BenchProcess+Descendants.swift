// Finding, killing and reaping a bench run's processes that left its process group.
import CProcess
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Synchronization

extension BenchProcess {
    /// A run's processes are those whose environment carries its mark (`setsid` does not
    /// change the environment). Only processes of this user can be read, which are the
    /// only ones a run can start.
    enum Descendants {
        private static let subreaper = Mutex(false)

        /// Makes this process the child subreaper once (orphans of runs become its children).
        static func becomeSubreaper() {
            subreaper.withLock { done in
                if !done { _ = tj_become_subreaper(); done = true }
            }
        }

        /// Kills every process marked with `mark`, then reaps those that became this
        /// process's children, except `child` (the run's own process, waited for elsewhere).
        /// Repeats a few times: a killed parent's children reparent to this process.
        /// Returns how many processes it found.
        @discardableResult
        static func kill(marked mark: String, sparing child: pid_t) -> Int {
            let needle = Array("\(BenchProcess.markVariable)=\(mark)".utf8) + [0]
            var killed = Set<pid_t>()
            var all = Set<pid_t>()
            for _ in 0..<20 {
                let found = marked(needle)
                for pid in found { Glibc.kill(pid, SIGKILL) }
                all.formUnion(found)
                killed.formUnion(found)
                killed.remove(child)
                killed = killed.filter { pid in !reaped(pid) }
                if found.isEmpty && killed.isEmpty { break }
                usleep(20_000)
            }
            return all.count
        }

        /// Whether `pid` is gone now (reaped here when it was a zombie child of this process).
        private static func reaped(_ pid: pid_t) -> Bool {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return true }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 1, let parent = pid_t(fields[1]) else { return true }
            if parent == getpid() { return tj_reap_if_exited(pid) == 1 }
            // A zombie of another parent is dead; that parent reaps it.
            return fields[0] == "Z"
        }

        /// The processes whose environment contains `needle` (a NUL-terminated `NAME=value`).
        private static func marked(_ needle: [UInt8]) -> Set<pid_t> {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
            let me = getpid()
            var found = Set<pid_t>()
            for name in names {
                guard let pid = pid_t(name), pid != me,
                      let environment = FileManager.default.contents(atPath: "/proc/\(name)/environ") else { continue }
                let bytes = [UInt8](environment)
                // Entries are NUL-separated: the needle matches at the start or after a NUL.
                var start = 0
                while start < bytes.count {
                    let end = bytes[start...].firstIndex(of: 0) ?? bytes.count
                    if end - start + 1 == needle.count, bytes[start..<end].elementsEqual(needle.dropLast()) {
                        found.insert(pid)
                        break
                    }
                    start = end + 1
                }
            }
            return found
        }
    }
}
