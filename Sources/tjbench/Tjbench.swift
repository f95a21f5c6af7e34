// tjbench: tablejohn's benchmark harness. Prints each figure beside its SPEC §13 target
// and beside a physical reference measured in the same run.
import ArgumentParser
import Foundation

@main
struct Tjbench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tjbench",
        abstract: "Measure tablejohn against its performance targets.",
        discussion: "Build it in release mode: swift run -c release tjbench sync --commits 1000000",
        subcommands: [SyncBenchmark.self, RPCBenchmark.self, RPCCalls.self, RunnerBenchmark.self, PagesBenchmark.self, DetectBenchmark.self, DetectRoundBenchmark.self,
                      CrashBenchmark.self, GenerateRepository.self, ImportOnce.self])
}

/// Where generated repositories and databases live between runs.
struct WorkFolder: ParsableArguments {
    @Option(help: ArgumentHelp("Folder for generated repositories and databases.", valueName: "dir"))
    var work: String = ".build-bench"

    func path(_ name: String) throws -> String {
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        return URL(fileURLWithPath: work).appendingPathComponent(name).path
    }
}
