import Foundation
import Logging
import Testing
import TestSupport
@testable import TablejohnKit

/// Detection reads live runs only, and moving runs to the archive and back neither loses
/// nor invents a change.
@Suite("Detection with an archive")
struct ArchiveDetectionTests {
    @Test("a change found before a move is kept through the move and the restore, and no round invents one")
    func changesSurviveMoves() async throws {
        // Given 101 commits on main, every fourth benchmarked, stepping 10 % at index 50, and the step found
        let series = try SteppedSeries(startStep: 1000)
        let (store, hashes) = (series.store, series.hashes)
        let service = series.detectionService()
        _ = try service.round(now: 1_000)
        // What a change is (its confidence follows the latest round and may move).
        func changes() throws -> [String] {
            try store.changes(ChangeFilter(states: ChangeState.allCases)).map {
                "\($0.id) \($0.base) → \($0.commit) \($0.state) \($0.kind) \($0.before) → \($0.after)"
            }
        }
        let found = try changes()
        #expect(found.count == 1)
        #expect(found.first?.contains("→ \(hashes[52]) bisecting regression") == true)
        let queued = try store.queue().map(\.hash)

        // When the runs before the step move to the archive, then everything, then all come back
        for before: Int64 in [24_000, 1_000_000] {
            let moved = try await store.archiveRuns(ArchiveSelection(before: before))
            #expect(moved.runs > 0)
            _ = try service.round(now: 2_000 + before)
            // Then the change and the queue are as they were
            #expect(try changes() == found, "before \(before)")
            #expect(try store.queue().map(\.hash) == queued)
        }
        // (with every run archived, detection sees no series at all)
        #expect(try store.archiveStatus().live.runs == 0)
        #expect(try service.round(now: 5_000_000).series == 0)
        #expect(try await store.restoreRuns(RestoreSelection()).runs == 26)
        _ = try service.round(now: 6_000_000)
        #expect(try changes() == found)
        #expect(try store.queue().map(\.hash) == queued)
    }
}
