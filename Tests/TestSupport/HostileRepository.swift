// Repository contents made to hurt: git bombs, deep trees, raw commits with bytes git would not write itself.
import Foundation

extension TestRepository {
    /// Runs `script` with /bin/sh in the repository, with `input` on stdin; returns stdout, trimmed.
    @discardableResult
    public func shell(_ script: String, input: Data = Data()) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script]
        process.currentDirectoryURL = URL(fileURLWithPath: path)
        var environment = ProcessInfo.processInfo.environment
        environment["GIT_CONFIG_NOSYSTEM"] = "1"
        environment["GIT_CONFIG_GLOBAL"] = "/dev/null"
        process.environment = environment
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        let writer = Thread {
            stdin.fileHandleForWriting.write(input)
            try? stdin.fileHandleForWriting.close()
        }
        writer.start()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        let errors = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TestFailure("sh -c \(script) failed: \(String(decoding: errors, as: UTF8.self))")
        }
        return String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A commit whose tree holds the same subtree ten times, `levels` deep: 10^levels
    /// files from a few dozen objects (the security review's repro). No ref points to it.
    public func gitBomb(levels: Int) throws -> String {
        try shell("""
            b=$(printf 'x\\n' | git hash-object -w --stdin); t=$(printf '100644 blob %s\\tf\\n' $b | git mktree)
            l=0; while [ $l -lt \(levels) ]; do
              t=$(for i in 0 1 2 3 4 5 6 7 8 9; do printf '040000 tree %s\\td%d\\n' $t $i; done | git mktree); l=$((l+1))
            done
            echo bomb | git -c user.name=M -c user.email=m@example.com commit-tree $t
            """)
    }

    /// A commit on `ref` holding one file `depth` directories deep (d/d/…/f), made by git fast-import.
    public func deepTree(depth: Int, ref: String = "refs/heads/deep") throws -> String {
        let path = Array(repeating: "d", count: depth).joined(separator: "/") + "/f"
        let stream = "commit \(ref)\ncommitter M <m@example.com> 1700000000 +0000\ndata 5\ndeep\n"
            + "M 100644 inline \(path)\ndata 2\nx\n\n"
        try shell("git fast-import --quiet", input: Data(stream.utf8))
        return try git(["rev-parse", ref])
    }

    /// Writes a commit object from raw bytes (headers and message as given, invalid UTF-8
    /// included) and returns its hash.
    public func rawCommit(_ bytes: [UInt8]) throws -> String {
        try shell("git hash-object -t commit -w --literally --stdin", input: Data(bytes))
    }
}
