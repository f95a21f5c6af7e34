import Foundation
import Logging
import Testing
import TestSupport
@testable import TablejohnKit

@Suite("Detection rounds")
struct DetectionServiceTests {
    @Test("a step between sampled commits of a tracked ref is recorded as bisecting and its midpoint queued")
    func roundFindsStep() throws {
        // Given 101 commits on main, every fourth benchmarked, values stepping 10 % at commit 51 (index 50)
        let series = try SteppedSeries()
        let (store, hashes, service) = (series.store, series.hashes, series.detectionService())

        // When a round runs
        let report = try service.round(now: 1_000)

        // Then the step between indices 48 and 52 is bisecting and index 50 is queued
        #expect(report.series == 1)
        let changes = try store.changes(ChangeFilter(states: ChangeState.allCases))
        #expect(changes.count == 1)
        #expect(changes.first?.state == .bisecting)
        #expect(changes.first?.base == hashes[48])
        #expect(changes.first?.commit == hashes[52])
        #expect(changes.first?.kind == .regression)
        #expect(try store.queue().map(\.hash) == [hashes[50]])

        // And a second round with nothing new writes nothing
        let before = try store.totalChanges()
        let again = try service.round(now: 2_000)
        #expect(again.queued == 0)
        #expect(try store.totalChanges() == before)
    }
}
