import Foundation
import Logging
import Testing
import TestSupport
@testable import TablejohnKit

@Suite("Detection scope")
struct DetectionScopeTests {
    static let main = ["refs/heads/main": Int64(7)]
    static func watermark(epoch: Int64 = 0, journal: Int64 = 10, tips: [String: Int64] = main) -> DetectionWatermark {
        DetectionWatermark(mark: SeriesMark(epoch: epoch, journal: journal), tips: tips)
    }
    static let key = SeriesKey(metric: "time", fingerprint: "{\"cpu\":\"a\"}")

    @Test("new results alone scan what they touched; nothing new scans nothing; anything else scans all", arguments: [
        (nil, watermark(), Set([key]), 0, DetectionScope.all),
        (watermark(), watermark(journal: 11), Set([key]), 0, .touched([key])),
        (watermark(), watermark(), Set(), 0, .nothing),
        (watermark(), watermark(epoch: 1), Set(), 0, .all),
        (watermark(), watermark(tips: ["refs/heads/main": 8]), Set(), 0, .all),
        (watermark(), watermark(tips: [:]), Set(), 0, .all),
        (watermark(), watermark(journal: 99), nil, 0, .all),
        (watermark(), watermark(journal: 11), Set([key]), 600, .all),
    ] as [(DetectionWatermark?, DetectionWatermark, Set<SeriesKey>?, Int, DetectionScope)])
    func scope(previous: DetectionWatermark?, current: DetectionWatermark, touched: Set<SeriesKey>?, seconds: Int, expected: DetectionScope) {
        #expect(DetectionScope(previous: previous, current: current, touched: touched, sinceFull: .seconds(seconds),
                               fullInterval: .seconds(600)) == expected)
    }
}

/// Rounds that scan only touched series against rounds that scan everything, on two copies
/// of the same history: they must find, bisect and queue the same.
@Suite("Detection rounds, incremental")
struct IncrementalDetectionTests {
    let repo: TestRepository
    let hashes: [String]

    init() throws {
        repo = try TestRepository()
        hashes = try repo.commits(120)
    }

    func store() throws -> Store {
        let store = try Store(path: try TemporaryFolder.make(prefix: "tj-detect") + "/detect.db")
        _ = try Importer(repository: GitRepository(opening: repo.path), store: store, logger: Logger(label: "test")).run()
        for metric in ["parse", "link"] { _ = try store.setMetric(metric, unit: "ms", direction: .lower) }
        return store
    }

    /// A run of commit `index` on `machine`: "parse" steps up 10 % at index 70 on machine a; "link" is flat.
    func run(_ index: Int, machine: String, serial: Int) throws -> Run {
        let noise = Double((index * 37 + serial * 11) % 13 - 6) * 0.1
        let parse = (machine == "a" && index >= 70 ? 110.0 : 100.0) + noise
        return Run(id: "run-\(serial)", commit: hashes[index], benchMethod: "command", runnerName: "bench-\(machine)",
                   fingerprint: ["cpu": .string(machine)], start: Int64(serial), end: Int64(serial) + 1, exitCode: 0, origin: .runner,
                   measurements: [try Measurement(metric: "parse", value: parse, unit: "ms"),
                                  try Measurement(metric: "link", value: 50 + noise, unit: "ms")])
    }

    func picture(_ store: Store) throws -> [String] {
        try store.changes(ChangeFilter(states: ChangeState.allCases)).map {
            "\($0.metric) \($0.base.prefix(7))..\($0.commit.prefix(7)) \($0.state) \($0.kind)"
        }.sorted() + store.queue().map { "queued \($0.hash.prefix(7))" }.sorted()
    }

    @Test("rounds over touched series find, bisect and queue what full rounds find; runner check-ins and quiet rounds scan nothing")
    func sameAsFullRounds() throws {
        // Given two copies of a repository, one detected incrementally, one with a full round every time
        let (incremental, full) = (try store(), try store())
        let logger = Logger(label: "test")
        let scanning = DetectionService(store: incremental, settings: .init(), hooks: [], logger: logger)
        // A new service each round: nothing remembered, every series detected afresh.
        func rescan(_ now: Int64) throws {
            _ = try DetectionService(store: full, settings: .init(), hooks: [], logger: logger).round(now: now)
        }
        var serial = 0
        func record(_ index: Int, _ machine: String) throws {
            serial += 1
            let run = try run(index, machine: machine, serial: serial)
            _ = try incremental.record(run)
            _ = try full.record(run)
        }
        let first = try scanning.round(now: 1)
        #expect(first.full)
        try rescan(1)

        // When every fourth commit is measured on two machines, ten commits a round, and runners take what rounds queue
        var incrementalRounds = 0
        for batch in stride(from: 0, to: 120, by: 10) {
            for index in stride(from: batch, to: batch + 10, by: 4) {
                try record(index, "a")
                try record(index, "b")
            }
            for _ in 0..<6 {
                let report = try scanning.round(now: Int64(batch))
                if !report.full { incrementalRounds += 1 }
                try rescan(Int64(batch))
                #expect(try picture(incremental) == picture(full), "after commits up to \(batch + 9)")
                // The runners measure what was queued, on both machines.
                let queued = try incremental.queue().map(\.hash)
                for hash in queued {
                    _ = try incremental.dequeue(hash)
                    _ = try full.dequeue(hash)
                    try record(hashes.firstIndex(of: hash)!, "a")
                    try record(hashes.firstIndex(of: hash)!, "b")
                }
            }
        }

        // Then both found the step on machine a, and most rounds were incremental
        #expect(try picture(incremental).contains { $0.hasPrefix("parse") })
        #expect(try picture(incremental) == picture(full))
        #expect(incrementalRounds > 30)

        // And a runner's check-in makes a round that scans nothing
        try incremental.runnerSeen("box", at: 5, fingerprint: nil)
        let quiet = try scanning.round(now: 200)
        #expect(quiet == DetectionService.RoundReport())
        // While a run on one machine scans only that machine's two series (one per metric)
        try record(119, "b")
        let touched = try scanning.round(now: 201)
        #expect(!touched.full)
        #expect(touched.series == 2)
        // And a deleted run scans everything again
        try incremental.deleteRun(id: "run-1")
        #expect(try scanning.round(now: 202).full)
    }
}
