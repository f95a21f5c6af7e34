// The detection tests' common history: a tracked branch whose metric steps up 10 % half-way.
import Foundation
import Logging
import TestSupport
@testable import TablejohnKit

/// 101 commits on main in an in-memory store, every fourth measured by runner `bench-1`
/// (fingerprint `{"cpu": "test"}`) for `parse_time` (ms, lower is better): about 100 before
/// index 50, about 110 from it. Run `run-N` of commit N starts at `N × startStep` ms.
struct SteppedSeries {
    let store: Store
    let hashes: [String]

    init(startStep: Int64 = 1) throws {
        let repo = try TestRepository()
        hashes = try repo.commits(101)
        store = try Store.inMemory()
        _ = try Importer(repository: GitRepository(opening: repo.path), store: store, logger: Logger(label: "test")).run()
        try store.setMetric("parse_time", unit: "ms", direction: .lower)
        for index in stride(from: 0, to: 101, by: 4) {
            let value = (index < 50 ? 100.0 : 110.0) + Double((index * 37) % 11 - 5) * 0.1
            try store.record(Run(id: "run-\(index)", commit: hashes[index], benchMethod: "command", runnerName: "bench-1",
                                 fingerprint: ["cpu": "test"], start: Int64(index) * startStep, end: Int64(index) * startStep + 1,
                                 exitCode: 0, origin: .runner,
                                 measurements: [try Measurement(metric: "parse_time", value: value, unit: "ms")]))
        }
    }

    /// A detection round over it, as the daemon runs one.
    func detectionService() -> DetectionService {
        DetectionService(store: store, settings: .init(), hooks: [], logger: Logger(label: "test"))
    }
}
