// What a runner reports about its machine, so runs from different machines are told apart.
import Foundation

/// The runner's machine: CPU model, cores, memory, OS and kernel, plus free-form
/// entries from the runner's configuration. Runs are compared only within one
/// fingerprint, so it holds what changes benchmark results and nothing volatile.
public enum MachineFingerprint {
    public static func current(extra: JSONObject = [:]) -> JSONValue {
        var fingerprint: JSONObject = [
            "cpu": .string(cpuModel(cpuinfo: (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? "") ?? "unknown"),
            "cores": JSONValue(ProcessInfo.processInfo.activeProcessorCount),
            "memory": .integer(Int64(ProcessInfo.processInfo.physicalMemory)),
            "os": .string(osName(osRelease: (try? String(contentsOfFile: "/etc/os-release", encoding: .utf8)) ?? "") ?? "unknown"),
            "kernel": .string(kernel()),
        ]
        for (key, value) in extra.entries { fingerprint[key] = value }
        return .object(fingerprint)
    }

    /// The first `model name` in /proc/cpuinfo.
    static func cpuModel(cpuinfo: String) -> String? {
        for line in cpuinfo.split(separator: "\n") where line.hasPrefix("model name") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return nil
    }

    /// `PRETTY_NAME` from /etc/os-release, unquoted.
    static func osName(osRelease: String) -> String? {
        for line in osRelease.split(separator: "\n") where line.hasPrefix("PRETTY_NAME=") {
            return line.dropFirst("PRETTY_NAME=".count).trimmingCharacters(in: CharacterSet(charactersIn: "\"' "))
        }
        return nil
    }

    /// `uname -sr -m`: system, release and machine.
    static func kernel() -> String {
        var names = utsname()
        uname(&names)
        func text<T>(_ field: T) -> String {
            withUnsafeBytes(of: field) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        }
        return "\(text(names.sysname)) \(text(names.release)) \(text(names.machine))"
    }
}
