// Real git repositories for tests, made with the git command line in a temporary folder.
import Foundation

/// A temporary git repository, removed when the value is released.
public final class TestRepository: @unchecked Sendable {  // used by one test at a time
    public let path: String
    private var clock: Int64 = 1_700_000_000

    /// Creates an empty repository whose HEAD is `refs/heads/<branch>`.
    public init(bare: Bool = false, branch: String = "main") throws {
        path = try TemporaryFolder.make(prefix: "tj-repo")
        try git(["init", "-q", "-b", branch] + (bare ? ["--bare"] : []))
    }

    /// Clones `other` (`--bare` when asked).
    public init(cloning other: TestRepository, bare: Bool) throws {
        path = try TemporaryFolder.make(prefix: "tj-clone")
        try FileManager.default.removeItem(atPath: path)
        try Self.run(["clone", "-q"] + (bare ? ["--bare"] : []) + [other.path, path], in: "/")
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Commits a change to `file` with `message` and returns the new commit's hash.
    @discardableResult
    public func commit(_ message: String, file: String = "file.txt", author: String = "Ada Lovelace") throws -> String {
        clock += 60
        let url = URL(fileURLWithPath: path).appendingPathComponent(file)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try "\(message)\n\(clock)\n".write(to: url, atomically: true, encoding: .utf8)
        try git(["add", file])
        try Self.run(["commit", "-q", "-m", message], in: path, date: clock, author: author)
        return try head()
    }

    /// Commits `count` changes and returns their hashes, oldest first.
    @discardableResult
    public func commits(_ count: Int, prefix: String = "change", file: String = "file.txt") throws -> [String] {
        try (1...count).map { try commit("\(prefix) \($0)", file: file) }
    }

    public func head() throws -> String { try git(["rev-parse", "HEAD"]) }

    public func hash(of rev: String) throws -> String { try git(["rev-parse", rev]) }

    @discardableResult
    public func git(_ arguments: [String], date: Int64? = nil) throws -> String {
        try Self.run(arguments, in: path, date: date ?? clock)
    }

    @discardableResult
    public static func run(_ arguments: [String], in directory: String, date: Int64 = 1_700_000_000,
                           author: String = "Ada Lovelace") throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git"] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var environment = ProcessInfo.processInfo.environment
        environment["GIT_CONFIG_NOSYSTEM"] = "1"
        environment["GIT_CONFIG_GLOBAL"] = "/dev/null"
        environment["GIT_AUTHOR_NAME"] = author
        environment["GIT_AUTHOR_EMAIL"] = "ada@example.com"
        environment["GIT_COMMITTER_NAME"] = "Charles Babbage"
        environment["GIT_COMMITTER_EMAIL"] = "charles@example.com"
        environment["GIT_AUTHOR_DATE"] = "@\(date) +0000"
        environment["GIT_COMMITTER_DATE"] = "@\(date) +0000"
        process.environment = environment
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TestFailure("git \(arguments.joined(separator: " ")) failed: \(String(decoding: errorData, as: UTF8.self))")
        }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

public struct TestFailure: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

public enum TemporaryFolder {
    public static func make(prefix: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }
}
