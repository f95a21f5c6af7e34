// Starts the real tablejohnd binary and talks to it over HTTP, for integration tests.
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
@testable import TablejohnKit
import TestSupport

/// A running `tablejohnd`, killed when released if still running.
final class DaemonProcess: @unchecked Sendable {  // used by one test at a time
    let process = Process()
    let port: Int
    let logPath: String

    /// The built `tablejohnd`: `$TABLEJOHND`, or the one beside the test bundle.
    static var binary: URL {
        if let explicit = ProcessInfo.processInfo.environment["TABLEJOHND"] { return URL(fileURLWithPath: explicit) }
        return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("tablejohnd")
    }

    /// Starts `tablejohnd serve` with `arguments` in `directory`, listening on `port` (default: a free one).
    convenience init(serve arguments: [String] = [], in directory: String, port: Int? = nil) throws {
        let port = try port ?? FreePort.find()
        try self.init(["serve", "--address", "127.0.0.1:\(port)"] + arguments, port: port, in: directory)
    }

    /// Starts `tablejohnd runner` with `arguments` in `directory`, with `environment` added to the test's own.
    convenience init(runner arguments: [String], in directory: String, environment: [String: String] = [:]) throws {
        try self.init(["runner"] + arguments, port: 0, in: directory, environment: environment)
    }

    /// Starts the embedding example (`contrib/embedding`, built beside tablejohnd) with `arguments`;
    /// `port` is the one it was told to serve on, 0 for none.
    convenience init(embedding arguments: [String], port: Int = 0, in directory: String) throws {
        try self.init(arguments, port: port, in: directory,
                      executable: Self.binary.deletingLastPathComponent().appendingPathComponent("tablejohn-embedding"))
    }

    private init(_ arguments: [String], port: Int, in directory: String, environment: [String: String] = [:],
                 executable: URL = DaemonProcess.binary) throws {
        self.port = port
        logPath = try TemporaryFolder.make(prefix: "tj-log") + "/daemon.log"
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        process.executableURL = executable
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.standardOutput = log
        process.standardError = log
        try process.run()
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// Waits until `/` answers, or fails with the daemon's log.
    func waitUntilServing(seconds: Double = 30) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if !process.isRunning { throw TestFailure("tablejohnd exited early:\n\(log)") }
            if let page = try? await get("/"), page.status == 200 { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TestFailure("tablejohnd did not answer within \(seconds) s:\n\(log)")
    }

    /// Waits until the log contains `text`.
    func waitForLog(_ text: String, seconds: Double = 30) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while !log.contains(text) {
            guard Date() < deadline else { throw TestFailure("the log never showed \(text.debugDescription):\n\(log)") }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// Polls `path` until its body satisfies `condition`; returns that body.
    func waitForPage(_ path: String, seconds: Double = 30, until condition: (String) -> Bool) async throws -> String {
        let deadline = Date().addingTimeInterval(seconds)
        var last = ""
        while Date() < deadline {
            last = try await get(path).body
            if condition(last) { return last }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TestFailure("\(path) never showed what was expected; last body:\n\(last)\nlog:\n\(log)")
    }

    func get(_ path: String) async throws -> (status: Int, body: String) {
        let url = URL(string: "http://127.0.0.1:\(port)\(path)")!
        let (data, response) = try await URLSession.shared.data(from: url)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    /// POSTs `body` with an optional `Authorization` header, through curl: URLSession
    /// on Linux waits forever on a 401 that carries `WWW-Authenticate`.
    func post(_ path: String, body: Data, authorization: String? = nil) async throws -> (status: Int, body: String) {
        let folder = try TemporaryFolder.make(prefix: "tj-post")
        try body.write(to: URL(fileURLWithPath: folder + "/body"))
        var arguments = ["curl", "-s", "--max-time", "30", "-o", folder + "/reply", "-w", "%{http_code}", "-X", "POST",
                         "-H", "Content-Type: application/json", "--data-binary", "@" + folder + "/body"]
        if let authorization { arguments += ["-H", "Authorization: " + authorization] }
        let curl = Process()
        let output = Pipe()
        curl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        curl.arguments = arguments + ["http://127.0.0.1:\(port)\(path)"]
        curl.standardOutput = output
        try curl.run()
        let code = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        curl.waitUntilExit()
        let reply = (try? Data(contentsOf: URL(fileURLWithPath: folder + "/reply"))) ?? Data()
        return (Int(code) ?? 0, String(decoding: reply, as: UTF8.self))
    }

    /// Sends `signal` and waits (bounded) for the exit status.
    func stop(signal: Int32 = SIGTERM, seconds: Double = 20) async throws -> Int32 {
        kill(process.processIdentifier, signal)
        return try await waitForExit(seconds: seconds)
    }

    func waitForExit(seconds: Double) async throws -> Int32 {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning {
            guard Date() < deadline else { throw TestFailure("tablejohnd did not exit within \(seconds) s:\n\(log)") }
            try await Task.sleep(for: .milliseconds(50))
        }
        return process.terminationStatus
    }
}

/// Every run of the daemon serving `directory`, newest first, each with its output (through tjctl).
func storedRuns(in directory: String) throws -> [JSONValue] {
    let list = try JSONValue.parse(try runTjctl(["runs", "--json", "--limit", "100"], in: directory).stdout)["runs"]?.arrayValue ?? []
    return try list.map { try JSONValue.parse(try runTjctl(["run", $0["id"]?.stringValue ?? "", "--json"], in: directory).stdout) }
}

/// Polls until the daemon serving `directory` has at least `count` runs; fails with `logs` otherwise.
func waitForRuns(_ count: Int, in directory: String, seconds: Double = 60, logs: @autoclosure () -> String) async throws -> [JSONValue] {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        let runs = try storedRuns(in: directory)
        if runs.count >= count { return runs }
        try await Task.sleep(for: .milliseconds(200))
    }
    throw TestFailure("expected \(count) runs, have \(try storedRuns(in: directory).count)\n\(logs())")
}

/// Runs the binary to completion and captures what it printed.
func runTablejohnd(_ arguments: [String], in directory: String) throws -> (status: Int32, stdout: String, stderr: String) {
    try runProgram(DaemonProcess.binary, arguments, in: directory)
}

/// Runs tjctl (built beside tablejohnd) to completion.
func runTjctl(_ arguments: [String], in directory: String, environment: [String: String] = [:],
              stdin: String? = nil) throws -> (status: Int32, stdout: String, stderr: String) {
    try runProgram(DaemonProcess.binary.deletingLastPathComponent().appendingPathComponent("tjctl"), arguments, in: directory,
                   environment: environment, stdin: stdin)
}

/// Runs a program to completion; `stdin`, when given, is its whole standard input (a pipe, not a terminal).
func runProgram(_ executable: URL, _ arguments: [String], in directory: String,
                environment: [String: String] = [:], stdin: String? = nil) throws -> (status: Int32, stdout: String, stderr: String) {
    let process = Process()
    process.executableURL = executable
    var merged = ProcessInfo.processInfo.environment
    merged["TABLEJOHN_SOCKET"] = nil
    for (key, value) in environment { merged[key] = value }
    process.environment = merged
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: directory)
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    let input = Pipe()
    if stdin != nil { process.standardInput = input }
    try process.run()
    if let stdin {
        input.fileHandleForWriting.write(Data(stdin.utf8))
        try input.fileHandleForWriting.close()
    }
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
}

enum Loopback {
    /// A TCP connection to 127.0.0.1:`port`, with send and receive timeouts and, when given,
    /// a receive buffer set before connecting (so the window the server sees stays that small).
    static func connect(port: Int, timeoutSeconds: Int = 20, receiveBuffer: Int32? = nil) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket failed") }
        var time = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        if var size = receiveBuffer { setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size)) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            let code = errno
            close(fd)
            throw TestFailure("cannot connect to 127.0.0.1:\(port) (errno \(code))")
        }
        return fd
    }
}

enum FreePort {
    /// Asks the kernel for an unused loopback port.
    static func find() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Int32 in
                guard bind(fd, pointer, length) == 0 else { return -1 }
                return getsockname(fd, pointer, &length)
            }
        }
        guard bound == 0 else { throw TestFailure("bind failed") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
