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
                measurements: (0..<(index % 7)).map { try Measurement(metric: "m\"\($0)", value: Double(index) + 0.5, unit: "ns") }))
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

    @Test("a ref filter's line is walked once for the export and gives the rows the per-page walk gives")
    func refLine() async throws {
        let filter = RunFilter(refCommitID: try store.commitID(of: hashes[2]))
        let resolved = try store.resolvingRefLine(filter)
        #expect(resolved.lineCommitIDs != nil)
        let result = try await streamed(filter, pageRows: 3, segmentRuns: 4, workers: 2)
        #expect(result.text == (try paged(filter, limit: 4)))
        let runs: [String] = result.text.split(separator: "\n").dropFirst().map { String($0.prefix(7)) }
        let expected: [String] = (0..<53).filter { $0 % 4 != 3 && $0 % 7 > 0 }.flatMap { index in
            Array(repeating: String(format: "run-%03d", index), count: index % 7)
        }
        #expect(runs == expected)
    }

    @Test("an export with no rows is the header alone")
    func empty() async throws {
        let result = try await streamed(RunFilter(runner: "nobody"), pageRows: 10, segmentRuns: 10, workers: 2)
        #expect(result.text == Store.csvHeader)
        #expect(result.chunks == 1)
    }

    @Test("a reader that stops after the header holds the workers a few pages ahead, not the whole export in memory")
    func stalledReader() async throws {
        // Given an export cut into 53 one-run segments of one page each, two workers, one page of lookahead
        let stream = CSVExportStream(store: store, filter: RunFilter(), pageRows: 100, segmentRuns: 1, lookahead: 1, workers: 2)
        defer { stream.cancel() }

        // When the reader takes the header and then nothing for a while
        #expect(try await stream.next() == Array(Store.csvHeader.utf8))
        var most = 0
        for _ in 0..<50 {
            most = max(most, stream.pagesWaiting)
            try await Task.sleep(for: .milliseconds(20))
        }

        // Then the workers made pages but stopped two segments ahead (46 pages would be the whole export)
        #expect(most >= 1)
        #expect(most <= 2)
        // And reading on still gives every row in order
        var rest: [UInt8] = Array(Store.csvHeader.utf8)
        while let chunk = try await stream.next() { rest += chunk }
        #expect(String(decoding: rest, as: UTF8.self) == (try paged(RunFilter(), limit: 5)))
    }
}

@Suite("Run cursor")
struct RunCursorTests {
    @Test("one token for runs.list and the runner page: START:ID, ids with colons kept whole, anything else refused")
    func token() {
        let run = RunSummary(id: "run:with:colons", commit: "c", benchMethod: "internal", runnerName: nil, start: 1_700_000_000_123,
                             end: 0, exitCode: 0, origin: .runner, measurementCount: 0)
        let cursor = RunCursor(after: run)
        #expect(cursor.token == "1700000000123:run:with:colons")
        #expect(RunCursor(token: cursor.token) == cursor)
        for bad in ["", "123", "abc:run", "123:", "1700000000123 run"] { #expect(RunCursor(token: bad) == nil, "\(bad)") }
    }
}
