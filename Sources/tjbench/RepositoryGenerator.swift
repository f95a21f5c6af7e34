// Generates large repositories with `git fast-import`: a main line, feature branches
// merged back, long-lived release branches and tags.
import ArgumentParser
import Foundation

struct GenerateRepository: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "generate", abstract: "Generate a benchmark repository.")

    @Option(help: "Number of commits.") var commits: Int = 100_000
    @OptionGroup var work: WorkFolder

    func run() throws {
        let path = try RepositoryGenerator.ensure(commits: commits, in: work)
        print(path)
    }
}

enum RepositoryGenerator {
    /// The bare repository with `commits` commits, generated on first use.
    static func ensure(commits: Int, in work: WorkFolder) throws -> String {
        let path = try work.path("repo-\(commits).git")
        if FileManager.default.fileExists(atPath: path + "/tablejohn-generated") { return path }
        try? FileManager.default.removeItem(atPath: path)
        try Shell.run(["git", "init", "-q", "--bare", "-b", "main", path])
        let started = Date()
        FileHandle.standardError.write(Data("generating \(commits) commits in \(path)…\n".utf8))
        try generate(commits: commits, into: path)
        _ = FileManager.default.createFile(atPath: path + "/tablejohn-generated", contents: nil)
        FileHandle.standardError.write(Data(String(format: "generated in %.1f s\n", Date().timeIntervalSince(started)).utf8))
        return path
    }

    /// Streams the history into `git fast-import`. Every 50th main-line commit starts a
    /// feature branch of 3 commits that is merged back; every 10,000th gets a tag; two
    /// release branches fork off and carry a few fixes each.
    static func generate(commits total: Int, into path: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", path, "fast-import", "--quiet", "--done"]
        let input = Pipe()
        process.standardInput = input
        try process.run()
        var writer = StreamWriter(handle: input.fileHandleForWriting)
        var mark = 0
        var mainTip = 0
        var time = 1_500_000_000
        var made = 0

        func commit(ref: String, from: Int?, merge: Int? = nil, message: String) -> Int {
            mark += 1
            time += 17
            made += 1
            writer.write("commit \(ref)\nmark :\(mark)\n")
            writer.write("author Dev \(mark % 97) <dev\(mark % 97)@example.com> \(time) +0000\n")
            writer.write("committer CI <ci@example.com> \(time) +0000\n")
            writer.data(message)
            if let from { writer.write("from :\(from)\n") }
            if let merge { writer.write("merge :\(merge)\n") }
            writer.write("M 100644 inline src/file\(mark % 300).txt\n")
            writer.data("line \(mark)\n")
            writer.write("\n")
            return mark
        }

        while made < total {
            mainTip = commit(ref: "refs/heads/main", from: mainTip == 0 ? nil : mainTip,
                             message: "Change \(made): adjust the widget frobnicator\n\nLonger explanation of change \(made).\n")
            if made % 50 == 0 && made + 4 <= total {
                var feature = mainTip
                for step in 1...3 {
                    feature = commit(ref: "refs/heads/feature/\(made / 50 % 20)", from: feature, message: "Feature work \(step)\n")
                }
                mainTip = commit(ref: "refs/heads/main", from: mainTip, merge: feature, message: "Merge feature \(made)\n")
            }
            if made % 10_000 == 0 { writer.write("reset refs/tags/v\(made / 10_000)\nfrom :\(mainTip)\n\n") }
            if (made == total / 3 || made == 2 * total / 3) && made + 5 <= total {
                var release = mainTip
                for fix in 1...3 {
                    release = commit(ref: "refs/heads/release-\(made * 3 / total)", from: release, message: "Release fix \(fix)\n")
                }
            }
        }
        writer.write("reset refs/heads/main\nfrom :\(mainTip)\n\ndone\n")
        writer.flush()
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw BenchError("git fast-import failed") }
        try Shell.run(["git", "-C", path, "symbolic-ref", "HEAD", "refs/heads/main"])
    }
}

/// Buffers fast-import's input so a million commits cost few writes.
struct StreamWriter {
    let handle: FileHandle
    var buffer: [UInt8] = []

    init(handle: FileHandle) {
        self.handle = handle
        buffer.reserveCapacity(1 << 20)
    }

    mutating func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 20 { flush() }
    }

    mutating func data(_ text: String) {
        write("data \(text.utf8.count)\n\(text)")
    }

    mutating func flush() {
        handle.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

enum Shell {
    @discardableResult
    static func run(_ arguments: [String], quiet: Bool = true) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["GIT_AUTHOR_NAME"] = "Bench"
        environment["GIT_AUTHOR_EMAIL"] = "bench@example.com"
        environment["GIT_COMMITTER_NAME"] = "Bench"
        environment["GIT_COMMITTER_EMAIL"] = "bench@example.com"
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        if quiet { process.standardError = FileHandle.nullDevice }
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw BenchError("\(arguments.joined(separator: " ")) failed") }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
