import Foundation
import Logging
import Testing
import TestSupport
@testable import TablejohnKit

@Suite("CSV export stream")
struct CSVExportStreamTests {
    let store: Store
    let hashes: [String]

    /// 53 runs on 4 commits with 0 to 6 measurements each, in a database file (the
    /// stream's workers read through the pool).
    init() throws {
        let repo = try TestRepository()
        hashes = try repo.commits(4)
        store = try Store(path: try TemporaryFolder.make(prefix: "tj-stream") + "/export.db")
        _ = try Importer(repository: GitRepository(opening: repo.path), store: store, logger: Logger(label: "test")).run()
        for index in 0..<53 {
            try store.record(Run(
                id: String(format: "run-%03d", index), commit: hashes[index % 4], benchMethod: "internal",
                runnerName: index % 2 == 0 ? "even, box" : "odd", fingerprint: nil,
                start: 1_000 * Int64(index), end: 1_000 * Int64(index) + 500, exitCode: 0, origin: .runner,
                measurements: (0..<(index % 7)).map { Measurement(metric: "m\"\($0)", value: Double(index) + 0.5, unit: "ns") }))
        }
    }

    /// The export read one page at a time from a single cursor, as runs.export pages do.
    func paged(_ filter: RunFilter, limit: Int) throws -> String {
        var bytes = Array(Store.csvHeader.utf8)
        var cursor: ExportCursor?
        repeat {
            cursor = try store.exportCSV(filter, after: cursor, limit: limit, into: &bytes).next
        } while cursor != nil
        return String(decoding: bytes, as: UTF8.self)
    }

    func streamed(_ filter: RunFilter, pageRows: Int, segmentRuns: Int, workers: Int) async throws -> (text: String, chunks: Int) {
        let stream = CSVExportStream(store: store, filter: filter, pageRows: pageRows, segmentRuns: segmentRuns, lookahead: 1,
                                     workers: workers)
        defer { stream.cancel() }
        var bytes: [UInt8] = []
        var chunks = 0
        while let chunk = try await stream.next() {
            bytes += chunk
            chunks += 1
        }
        return (String(decoding: bytes, as: UTF8.self), chunks)
    }

    @Test("segments produced side by side arrive in order, equal to the paged export",
          arguments: [(pageRows: 4, segmentRuns: 3, workers: 3), (pageRows: 1, segmentRuns: 1, workers: 2), (pageRows: 1000, segmentRuns: 100, workers: 1)])
    func matchesPagedExport(_ shape: (pageRows: Int, segmentRuns: Int, workers: Int)) async throws {
        let expected = try paged(RunFilter(), limit: 5)
        let lines = expected.split(separator: "\n")
        let rows: Int = (0..<53).map { $0 % 7 }.reduce(0, +)
        #expect(lines.count == 1 + rows)
        #expect(lines[1] == #"run-001,\#(hashes[1]),"m""0",1.5,ns,odd,internal,1970-01-01T00:00:01.000Z,1970-01-01T00:00:01.500Z,0,runner"#)
        let result = try await streamed(RunFilter(), pageRows: shape.pageRows, segmentRuns: shape.segmentRuns, workers: shape.workers)
        #expect(result.text == expected)
    }

    @Test("filters apply to every segment")
    func filtered() async throws {
        let filter = RunFilter(metric: "m\"2", runner: "odd", since: 10_000)
        let result = try await streamed(filter, pageRows: 2, segmentRuns: 2, workers: 2)
        #expect(result.text == (try paged(filter, limit: 3)))
        let runs: [String] = result.text.split(separator: "\n").dropFirst().map { String($0.prefix(7)) }
        let expected: [String] = (11..<53).filter { $0 % 2 == 1 && $0 % 7 > 2 }.map { String(format: "run-%03d", $0) }
        #expect(runs == expected)
    }

    @Test("an export with no rows is the header alone")
    func empty() async throws {
        let result = try await streamed(RunFilter(runner: "nobody"), pageRows: 10, segmentRuns: 10, workers: 2)
        #expect(result.text == Store.csvHeader)
        #expect(result.chunks == 1)
    }
}

@Suite("Timestamps")
struct TimestampTests {
    @Test("milliseconds format as RFC 3339 in UTC, before 1970 and far ahead too")
    func rfc3339() {
        #expect(Timestamp.rfc3339(milliseconds: 0) == "1970-01-01T00:00:00.000Z")
        #expect(Timestamp.rfc3339(milliseconds: 1_700_000_000_250) == "2023-11-14T22:13:20.250Z")
        #expect(Timestamp.rfc3339(milliseconds: -1) == "1969-12-31T23:59:59.999Z")
        #expect(Timestamp.rfc3339(milliseconds: 253_402_300_800_000) == "10000-01-01T00:00:00.000Z")
        #expect(Timestamp.parse("2023-11-14T22:13:20.250Z") == 1_700_000_000_250)
    }

    @Test("RFC 3339 and plain dates parse to milliseconds; anything else is nil", arguments: [
        ("2023-11-14T22:13:20.250Z", 1_700_000_000_250 as Int64?), ("2023-11-14T22:13:20Z", 1_700_000_000_000),
        ("2023-11-14t22:13:20z", 1_700_000_000_000), ("2023-11-14 22:13:20Z", 1_700_000_000_000),
        ("2023-11-14T23:13:20+01:00", 1_700_000_000_000), ("2023-11-14T20:43:20.1-01:30", 1_700_000_000_100),
        ("2023-11-14T22:13:20.2504Z", 1_700_000_000_250), ("2023-11-14T22:13:20.2505999Z", 1_700_000_000_251),
        ("1970-01-01", 0), ("1969-12-31T23:59:59.999Z", -1), ("2024-02-29", 1_709_164_800_000), ("2000-03-01", 951_868_800_000),
        ("2023-02-29", nil), ("2023-13-01", nil), ("2023-11-14T24:00:00Z", nil), ("2023-11-14T22:13:20", nil),
        ("2023-11-14T22:13:20.Z", nil), ("2023-11-14T22:13:20Zjunk", nil), ("23-11-14", nil), ("", nil), ("yesterday", nil),
        ("2023-11-14T22:13:20+0100", nil),
    ])
    func parse(text: String, milliseconds: Int64?) {
        #expect(Timestamp.parse(text) == milliseconds)
    }
}
