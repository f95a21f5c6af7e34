// Repository sync figures: first import, no-op resync, fetch to queued.
import ArgumentParser
import Foundation
import Logging
import TablejohnKit

struct SyncBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "First import, no-op resync and fetch-to-queued on generated repositories.")

    @Option(parsing: .upToNextOption, help: "Repository sizes in commits.")
    var commits: [Int] = [100_000, 1_000_000]

    @Option(help: "Repetitions of each slow measurement (the median is reported).")
    var runs: Int = 3

    @OptionGroup var work: WorkFolder

    func run() async throws {
        var report = Report()
        for size in commits {
            try measure(size: size, into: &report)
        }
        print("")
        report.print()
    }

    private func measure(size: Int, into report: inout Report) throws {
        let label = size >= 1_000_000 ? "\(size / 1_000_000)M" : "\(size / 1000)k"
        let repo = try RepositoryGenerator.ensure(commits: size, in: work)
        let commitCount = try Shell.run(["git", "-C", repo, "rev-list", "--all", "--count"])
        log("\(label): \(commitCount) commits in \(repo)")

        let revList = Measure.median(try (0..<runs).map { _ in
            try Measure.child(["git", "-C", repo, "rev-list", "--all", "--parents"]).seconds
        })

        var importTimes: [Double] = []
        var importRSS: [Double] = []
        let database = try work.path("import-\(size).db")
        for run in 1...runs {
            for suffix in ["", "-wal", "-shm", ".lock"] { try? FileManager.default.removeItem(atPath: database + suffix) }
            let (seconds, rss) = try Measure.child([Self.executable, "import-once", "--repo", repo, "--db", database])
            log("\(label): first import \(run)/\(runs): \(seconds.s), peak RSS \(rss.mib)")
            importTimes.append(seconds)
            importRSS.append(Double(rss))
        }
        let importMedian = Measure.median(importTimes)
        let rssMedian = Int(Measure.median(importRSS))
        let spread = String(format: "%.2f–%.2f", importTimes.min() ?? .nan, importTimes.max() ?? .nan)
        report.add("first import, \(label) commits", "\(importMedian.s) (\(spread))", target: "≤ 2× rev-list",
                   met: importMedian <= 2 * revList,
                   reference: "git rev-list --all --parents: \(revList.s) (\(String(format: "%.2f", importMedian / revList))×)")
        report.add("first import peak RSS, \(label)", rssMedian.mib,
                   target: size >= 1_000_000 ? "≤ 600 MiB" : "", met: size >= 1_000_000 ? rssMedian <= 600 << 20 : nil)

        let store = try Store(path: database)
        let git = try GitRepository(opening: repo)
        let importer = Importer(repository: git, store: store, logger: Logger(label: "bench"))
        var noop: [Double] = []
        for _ in 0..<10 {
            var result = ImportReport()
            noop.append(try Measure.seconds { result = try importer.run() })
            guard result.unchanged else { throw BenchError("a no-op resync changed something: \(result)") }
        }
        let noopMedian = Measure.median(noop)
        report.add("no-op resync, \(label)", noopMedian.ms, target: "< 100 ms", met: noopMedian < 0.1,
                   reference: "git rev-list: \(revList.ms)")

        let fetch = try fetchToQueued(repo: repo, database: database, size: size)
        report.add("fetch to queued, 1 new commit, \(label)", fetch.tablejohn.ms, target: "< 100 ms", met: fetch.tablejohn < 0.1,
                   reference: "git fetch alone: \(fetch.gitFetch.ms)")
    }

    /// Pushes one commit to an upstream copy, then times fetch + import + queue in a mirror.
    private func fetchToQueued(repo: String, database: String, size: Int) throws -> (tablejohn: Double, gitFetch: Double) {
        let upstream = try work.path("upstream-\(size).git")
        let mirror = try work.path("mirror-\(size).git")
        let gitMirror = try work.path("git-mirror-\(size).git")
        for path in [upstream, mirror, gitMirror] { try? FileManager.default.removeItem(atPath: path) }
        try Shell.run(["git", "clone", "-q", "--bare", repo, upstream])
        try Shell.run(["git", "clone", "-q", "--bare", upstream, mirror])
        try Shell.run(["git", "clone", "-q", "--bare", upstream, gitMirror])
        let store = try Store(path: database)  // holds exactly the mirror's commits and refs
        let git = try GitRepository(opening: mirror)
        let importer = Importer(repository: git, store: store, logger: Logger(label: "bench"))
        guard try importer.run().unchanged else { throw BenchError("the mirror's refs differ from the imported repository") }

        var times: [Double] = []
        var gitTimes: [Double] = []
        for round in 1...7 {
            let tree = try Shell.run(["git", "-C", upstream, "rev-parse", "main^{tree}"])
            let commit = try Shell.run(["git", "-C", upstream, "commit-tree", tree, "-p", "main", "-m", "benchmark commit \(round)"])
            try Shell.run(["git", "-C", upstream, "update-ref", "refs/heads/main", commit])
            var result = ImportReport()
            times.append(try Measure.seconds {
                try git.fetch(url: upstream, refspecs: GitRepository.defaultRefspecs)
                result = try importer.run()
            })
            guard result.queued == 1 else { throw BenchError("expected one queued commit, got \(result)") }
            gitTimes.append(try Measure.seconds {
                try Shell.run(["git", "-C", gitMirror, "fetch", "-q", upstream, "+refs/heads/*:refs/heads/*"])
            })
        }
        return (Measure.median(times), Measure.median(gitTimes))
    }

    static var executable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }
}

func log(_ message: String) {
    FileHandle.standardError.write(Data("\(message)\n".utf8))
}

/// The child process of a first-import measurement, so its peak memory is its own.
struct ImportOnce: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "import-once", abstract: "Import a repository once (used by sync).")

    @Option var repo: String
    @Option var db: String

    func run() throws {
        let store = try Store(path: db)
        let git = try GitRepository(opening: repo)
        let report = try Importer(repository: git, store: store, logger: Logger(label: "bench")).run()
        print(report.newCommits)
    }
}
