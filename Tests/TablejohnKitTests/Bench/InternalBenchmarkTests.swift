import Foundation
import Testing
import TestSupport
@testable import TablejohnKit

@Suite("Internal bench method")
struct InternalBenchmarkTests {
    @Test("counts files, lines and TODOs in total and per extension, skipping .git")
    func counts() throws {
        let root = try TemporaryFolder.make(prefix: "tj-internal")
        func write(_ path: String, _ text: String) throws {
            let url = URL(fileURLWithPath: root + "/" + path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        try write("Sources/a.swift", "let a = 1 // TODO\n// TODO: TTODO\nlet b = 2")  // 3 lines, 3 TODOs
        try write("Sources/B.SWIFT", "x\n")
        try write("README", "todo is not TODO-like\n\n")
        try write("empty.txt", "")
        try write(".git/config", "TODO\nTODO\n")
        try FileManager.default.createSymbolicLink(atPath: root + "/link.swift", withDestinationPath: "Sources/a.swift")

        let measurements = try InternalBenchmark.measurements(directory: root)
        let values = Dictionary(uniqueKeysWithValues: measurements.map { ($0.metric, $0.value) })
        #expect(measurements.prefix(3).map(\.metric) == ["files", "lines", "todos"])
        #expect(values == [
            "files": 5, "lines": 6, "todos": 4,
            "files/swift": 3, "lines/swift": 4, "todos/swift": 3,
            "files/none": 1, "lines/none": 2, "todos/none": 1,
            "files/txt": 1, "lines/txt": 0, "todos/txt": 0,
        ])
        #expect(measurements.first { $0.metric == "lines/swift" }?.unit == "lines")
    }

    @Test("extensions that cannot name a metric count in the totals only; a tree of many extensions stays within a run's limit")
    func hostileExtensions() throws {
        // Given files whose extensions hold a control character, are 300 bytes long, or number 4,000
        let root = try TemporaryFolder.make(prefix: "tj-internal-hostile")
        try Data("x\n".utf8).write(to: URL(fileURLWithPath: root + "/bell.a\u{7}b"))
        try Data("x\n".utf8).write(to: URL(fileURLWithPath: root + "/long." + String(repeating: "e", count: 250)))
        for index in 0..<4000 { try Data().write(to: URL(fileURLWithPath: root + "/f.e\(index)")) }

        // When counted
        let measurements = try InternalBenchmark.measurements(directory: root)

        // Then the totals count every file and no metric is unusable or over the limit
        #expect(measurements.first { $0.metric == "files" }?.value == 4002)
        #expect(measurements.count <= Measurement.maxPerRun)
        #expect(!measurements.contains { $0.metric.contains("\u{7}") || $0.metric.utf8.count > Measurement.maxMetricBytes })
    }
}
