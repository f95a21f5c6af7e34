// A small git repository made once per fuzzing process, imported into an in-memory store.
import Foundation
import Logging
@testable import TablejohnKit

/// Six commits on `main`, a branch `topic` and a tag `v1`, with fixed dates and
/// names so their hashes are the same on every machine and seeds can name them.
final class FuzzRepository {
    let path: String
    let git: GitRepository

    init() {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tjfuzz-repo-\(getpid())").path
        try? FileManager.default.removeItem(atPath: folder)
        path = folder
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try Self.git(["init", "-q", "-b", "main"], in: folder, time: 0)
            for index in 1...6 {
                try "change \(index)\n".write(toFile: folder + "/file.txt", atomically: true, encoding: .utf8)
                try Self.git(["add", "file.txt"], in: folder, time: 0)
                try Self.git(["commit", "-q", "-m", "change \(index)"], in: folder, time: 1_700_000_000 + Int64(index) * 60)
                if index == 3 { try Self.git(["tag", "v1"], in: folder, time: 0) }
                if index == 4 { try Self.git(["branch", "topic"], in: folder, time: 0) }
            }
            git = try GitRepository(opening: folder)
        } catch {
            fatalError("tjfuzz: cannot make the fuzz repository in \(folder): \(error)")
        }
        atexit { try? FileManager.default.removeItem(atPath: FileManager.default.temporaryDirectory.appendingPathComponent("tjfuzz-repo-\(getpid())").path) }
    }

    /// A fresh in-memory store holding the repository's commits and refs.
    func importedStore() -> Store {
        do {
            let store = try Store.inMemory()
            _ = try Importer(repository: git, store: store, logger: Logger(label: "tjfuzz")).run()
            return store
        } catch {
            fatalError("tjfuzz: cannot import the fuzz repository: \(error)")
        }
    }

    private static func git(_ arguments: [String], in folder: String, time: Int64) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git"] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        var environment = ProcessInfo.processInfo.environment
        environment["GIT_CONFIG_NOSYSTEM"] = "1"
        environment["GIT_CONFIG_GLOBAL"] = "/dev/null"
        for role in ["AUTHOR", "COMMITTER"] {
            environment["GIT_\(role)_NAME"] = "Fuzz"
            environment["GIT_\(role)_EMAIL"] = "fuzz@example.com"
            environment["GIT_\(role)_DATE"] = "@\(time) +0000"
        }
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw FuzzSetupError("git \(arguments.joined(separator: " ")) failed") }
    }
}

struct FuzzSetupError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
