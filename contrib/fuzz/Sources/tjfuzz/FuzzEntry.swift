// libFuzzer's driver: picks the target named by TJFUZZ_TARGET and hands it each input.
import CLibFuzzer
import Foundation

/// One fuzz target: takes arbitrary bytes and must neither crash nor hang on any of them.
/// A broken promise (a value that should have been refused) ends the run with `fatalError`,
/// which libFuzzer reports as a crash with the input that caused it.
protocol FuzzTarget: AnyObject {
    func run(_ input: [UInt8])
}

enum FuzzTargets {
    /// Every target by the name `contrib/fuzz.sh` and the corpus folders use.
    static let names = ["rpc", "runner-status", "results", "config", "revision"]

    static func make(_ name: String) -> any FuzzTarget {
        switch name {
        case "rpc": return RPCTarget()
        case "runner-status": return RunnerStatusTarget()
        case "results": return ResultsTarget()
        case "config": return ConfigTarget()
        case "revision": return RevisionTarget()
        default:
            FileHandle.standardError.write(Data("tjfuzz: set TJFUZZ_TARGET to one of \(names.joined(separator: ", "))\n".utf8))
            exit(2)
        }
    }
}

/// Runs libFuzzer's driver with the command line's flags on the target TJFUZZ_TARGET names.
enum FuzzDriver {
    // libFuzzer calls back from one thread only, so the target needs no lock.
    nonisolated(unsafe) private static var target: (any FuzzTarget)?

    static func run() -> Int32 {
        target = FuzzTargets.make(ProcessInfo.processInfo.environment["TJFUZZ_TARGET"] ?? "")
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        return LLVMFuzzerRunDriver(&argc, &argv) { data, size in
            FuzzDriver.testOneInput(data, size)
            return 0
        }
    }

    private static func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) {
        let input = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
        target?.run(input)
    }
}
