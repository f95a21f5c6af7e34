// tjctl detect as a user runs it: a series in a file or on standard input, no daemon.
import Foundation
@testable import TablejohnKit
import Testing
import TestSupport

@Suite("tjctl detect")
struct DetectCommandTests {
    /// Twenty values at 100, then twenty at 130, with a little alternating noise.
    static let step = (0..<40).map { index in (index < 20 ? 100.0 : 130.0) + (index % 2 == 0 ? 0.5 : -0.5) }

    /// Runs tjctl with `input` on standard input.
    static func runTjctlWithInput(_ arguments: [String], input: String, in directory: String) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = DaemonProcess.binary.deletingLastPathComponent().appendingPathComponent("tjctl")
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let stdin = Pipe(), out = Pipe(), err = Pipe()
        process.standardInput = stdin
        process.standardOutput = out
        process.standardError = err
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
    }

    @Test("a series in a file: the step's index, levels, magnitude, direction and confidence")
    func fromFile() throws {
        // Given a file with a series where lower is better
        let folder = try TemporaryFolder.make(prefix: "tj-detect")
        let document: JSONValue = ["values": .array(Self.step.map { .real($0) }), "higher_is_better": false]
        try document.jsonString().write(toFile: folder + "/series.json", atomically: true, encoding: .utf8)

        // When detecting from the file
        let result = try runTjctl(["detect", "series.json"], in: folder)

        // Then it prints the change at 20, a regression of 30 %
        #expect(result.status == 0, "\(result.stderr)")
        let output = try JSONValue.parse(result.stdout)
        #expect(output["changes"] == [20])
        let detail = try #require(output["details"]?.arrayValue?.first)
        #expect(detail["index"] == 20)
        #expect(detail["before"]?.doubleValue == 100)
        #expect(detail["after"]?.doubleValue == 130)
        #expect(abs((detail["magnitude"]?.doubleValue ?? 0) - 0.3) < 1e-9)
        #expect(detail["direction"] == "regression")
        #expect((detail["confidence"]?.doubleValue ?? 0) > 0.999)
        #expect(result.stdout.hasSuffix("}\n") && result.stdout.filter { $0 == "\n" }.count == 1)
    }

    @Test("a bare array on standard input, with and without -")
    func fromStandardInput() throws {
        let folder = try TemporaryFolder.make(prefix: "tj-detect")
        let input = try JSONValue.array(Self.step.map { .real($0) }).jsonString()

        for arguments in [["detect", "-"], ["detect"]] {
            let result = try Self.runTjctlWithInput(arguments, input: input, in: folder)

            #expect(result.status == 0, "\(result.stderr)")
            let output = try JSONValue.parse(result.stdout)
            #expect(output["changes"] == [20])
            #expect(output["details"]?.arrayValue?.first?["direction"] == "neutral")
        }
    }

    @Test("a flat series prints no changes")
    func noChange() throws {
        let folder = try TemporaryFolder.make(prefix: "tj-detect")

        let result = try Self.runTjctlWithInput(["detect"], input: "[5, 5.1, 4.9, 5, 5.2, 4.8, 5, 5.1, 4.9, 5, 5, 5.1]", in: folder)

        #expect(result.status == 0)
        #expect(result.stdout == "{\"changes\":[],\"details\":[]}\n")
    }

    @Test("bad input exits with 2, one line on standard error and nothing on standard output", arguments: [
        ("not json", "input is not JSON"),
        ("[]", "the series has no values"),
        ("[1, 2, \"three\"]", "value 2 is a string, not a finite number"),
        ("[1, NaN, 3]", "input is not JSON"),
        ("{\"values\": [1, null]}", "value 1 is null, not a finite number"),
        ("{\"numbers\": [1, 2]}", "input object has no \"values\" array"),
        ("{\"values\": [1, 2], \"higher_is_better\": \"yes\"}", "\"higher_is_better\" must be true or false, not a string"),
        ("42", "input must be an array of numbers or an object with \"values\", not an integer"),
    ])
    func badInput(input: String, message: String) throws {
        let folder = try TemporaryFolder.make(prefix: "tj-detect")

        let result = try Self.runTjctlWithInput(["detect", "-"], input: input, in: folder)

        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("tjctl detect: "))
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(result.stderr.filter { $0 == "\n" }.count == 1)
    }

    @Test("a file that cannot be read exits with 2")
    func missingFile() throws {
        let folder = try TemporaryFolder.make(prefix: "tj-detect")

        let result = try runTjctl(["detect", "no-such-file.json"], in: folder)

        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "tjctl detect: cannot read no-such-file.json\n")
    }

    @Test("detector options out of range (huge, negative, not a number) are usage errors, never an overflow")
    func hostileOptions() throws {
        let folder = try TemporaryFolder.make(prefix: "tj-detect")
        try "[1, 2, 3]".write(toFile: folder + "/s.json", atomically: true, encoding: .utf8)
        for options in [["--effect-window", "\(Int.max)"], ["--effect-window", "100001"], ["--minimum-segment", "\(Int.max)"],
                        ["--effect-window", "-5"], ["--minimum-segment", "x"], ["--significance", "nan"], ["--minimum-effect", "-1"]] {
            let result = try runTjctl(["detect"] + options + ["s.json"], in: folder)
            #expect(result.status == 2, "\(options): \(result.stderr)")
            #expect(result.stdout.isEmpty, "\(options)")
        }
    }

    @Test("several files: one line per file in order, each naming its file; a bad file gives an error line and exit 2")
    func severalFiles() throws {
        // Given a step, a flat series, a file that is not a series and one that does not exist
        let folder = try TemporaryFolder.make(prefix: "tj-detect")
        try JSONValue.array(Self.step.map { .real($0) }).jsonString().write(toFile: folder + "/a.json", atomically: true, encoding: .utf8)
        try "[5, 5.1, 4.9, 5, 5.2, 4.8, 5, 5.1, 4.9, 5, 5, 5.1]".write(toFile: folder + "/b.json", atomically: true, encoding: .utf8)
        try "{\"values\": [1, \"two\"]}".write(toFile: folder + "/bad.json", atomically: true, encoding: .utf8)

        // When detecting them all in one call
        let result = try runTjctl(["detect", "a.json", "bad.json", "b.json", "gone.json"], in: folder)

        // Then each file has its line, in order; the bad ones say why, the others are examined
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.count == 5 && lines.last == "", "\(result.stdout)")
        let documents = try lines.dropLast().map { try JSONValue.parse($0) }
        #expect(documents.map { $0["file"] } == ["a.json", "bad.json", "b.json", "gone.json"])
        #expect(documents[0]["changes"] == [20])
        #expect(documents[0]["details"]?.arrayValue?.first?["state"] == "detected")
        #expect(documents[1]["error"] == "value 1 is a string, not a finite number")
        #expect(documents[1]["changes"] == nil)
        #expect(documents[2]["changes"] == [])
        #expect(documents[3]["error"] == "cannot read gone.json")
        // And the exit status says something failed, and standard error names both bad files
        #expect(result.status == 2)
        #expect(result.stderr == "tjctl detect: bad.json: value 1 is a string, not a finite number\ntjctl detect: gone.json: cannot read gone.json\n")
    }

    @Test("several good files exit 0; standard input can be one of them")
    func severalGoodFiles() throws {
        let folder = try TemporaryFolder.make(prefix: "tj-detect")
        try JSONValue.array(Self.step.map { .real($0) }).jsonString().write(toFile: folder + "/a.json", atomically: true, encoding: .utf8)

        let result = try Self.runTjctlWithInput(["detect", "-", "a.json"], input: "[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]", in: folder)

        #expect(result.status == 0, "\(result.stderr)")
        let documents = try result.stdout.split(separator: "\n").map { try JSONValue.parse(String($0)) }
        #expect(documents.map { $0["file"] } == ["-", "a.json"])
        #expect(documents.map { $0["changes"] } == [[], [20]])
    }
}
