// A CSV export produced on threads of its own, a few pages ahead of whoever sends it.
import Foundation

/// A source of byte chunks read one at a time, in order; `nil` is the end.
protocol ByteChunkSource: Sendable {
    func next() async throws -> [UInt8]?
    /// Stops producing; the reader is gone.
    func cancel()
}

/// The measurement rows of an export as CSV chunks: the header line, then pages of rows.
///
/// Formatting rows costs more than reading them, so the export is cut into segments of
/// `segmentRuns` runs (by run id) and worker threads produce segments side by side while
/// the reader sends what is ready, in order. Each worker stays at most `lookahead` pages
/// ahead of the reader, and no segment starts more than `workers` segments ahead of the
/// one being sent, so memory stays bounded (about workers × lookahead pages) whatever the
/// export's size and however slowly the client reads. Each page is its own read
/// transaction, as with `runs.export` pages.
final class CSVExportStream: ByteChunkSource, @unchecked Sendable {
    private let store: Store
    private let filter: RunFilter
    private let pageRows: Int
    private let segmentRuns: Int
    private let lookahead: Int
    private let window: Int  // segments in progress or waiting for the reader, at most

    /// A run-id range `[lower, upper)` (nil: unbounded) and the pages made from it so far.
    private struct Segment {
        var pages: [[UInt8]] = []
        var done = false
    }

    private let condition = NSCondition()
    // Guarded by `condition`:
    private var segments: [Int: Segment] = [:]
    private var current = 0  // the segment the reader is on
    private var nextSegment = 0
    private var nextLower: String?
    private var allAssigned = false  // the last segment has been handed to a worker
    private var headerSent = false
    private var failure: (any Error)?
    private var cancelled = false
    private var waiter: CheckedContinuation<[UInt8]?, any Error>?

    init(store: Store, filter: RunFilter, pageRows: Int = 20_000, segmentRuns: Int = 1000, lookahead: Int = 2,
                workers: Int = min(4, max(1, ProcessInfo.processInfo.activeProcessorCount))) {
        self.store = store
        // Walk a ref's line once here rather than in every page's query; should that
        // read fail, the pages walk it themselves (slower, same rows).
        self.filter = (try? store.resolvingRefLine(filter)) ?? filter
        self.pageRows = pageRows
        self.segmentRuns = segmentRuns
        self.lookahead = lookahead
        self.window = max(1, workers)
        for worker in 0..<workers {
            let thread = Thread { [self] in work() }
            thread.name = "tablejohn-export-\(worker)"
            thread.start()
        }
    }

    // MARK: Workers

    private func work() {
        while let (index, lower, upper) = assign() {
            var filter = filter
            (filter.runIDsFrom, filter.runIDsBefore) = (lower, upper)
            var cursor: ExportCursor?
            repeat {
                var bytes: [UInt8] = []
                let page: (rows: Int, next: ExportCursor?)
                do {
                    page = try store.exportCSV(filter, after: cursor, limit: pageRows, into: &bytes)
                } catch {
                    return fail(error)
                }
                if page.rows > 0 { guard deliver(bytes, to: index) else { return } }
                cursor = page.next
            } while cursor != nil
            complete(index)
        }
    }

    /// The next segment to produce: its index and run-id bounds. Segments are cut here,
    /// one after the other, each `segmentRuns` runs long. Waits while `window` segments
    /// are ahead of the reader: without that a short segment is finished at once and its
    /// worker takes the next, and a client that stops reading had the whole export made
    /// in memory.
    private func assign() -> (Int, String?, String?)? {
        condition.lock()
        defer { condition.unlock() }
        while !cancelled && failure == nil && !allAssigned && nextSegment - current >= window { condition.wait() }
        guard !allAssigned, !cancelled, failure == nil else { return nil }
        let index = nextSegment
        let lower = nextLower
        let upper: String?
        do {
            upper = try store.runIDAfter(filter, from: lower, skipping: segmentRuns)
        } catch {
            failure = error
            wakeReader()
            return nil
        }
        nextSegment += 1
        nextLower = upper
        allAssigned = upper == nil
        segments[index] = Segment()
        return (index, lower, upper)
    }

    /// Queues a page of segment `index`, waiting while the worker is too far ahead.
    /// False once the export is cancelled or failed.
    private func deliver(_ page: [UInt8], to index: Int) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while !cancelled && failure == nil && segments[index]!.pages.count >= lookahead { condition.wait() }
        guard !cancelled && failure == nil else { return false }
        segments[index]!.pages.append(page)
        if index == current { wakeReader() }
        return true
    }

    private func complete(_ index: Int) {
        condition.lock()
        defer { condition.unlock() }
        segments[index]!.done = true
        wakeReader()
    }

    private func fail(_ error: any Error) {
        condition.lock()
        defer { condition.unlock() }
        if failure == nil { failure = error }
        condition.broadcast()
        wakeReader()
    }

    // MARK: Reader

    private enum Ready {
        case chunk([UInt8])
        case end
        case failed(any Error)
    }

    /// What the reader gets now, if anything; called with the lock held.
    private func ready() -> Ready? {
        if let failure { return .failed(failure) }
        if !headerSent {
            headerSent = true
            return .chunk(Array(Store.csvHeader.utf8))
        }
        while let segment = segments[current] {
            if !segment.pages.isEmpty {
                let page = segments[current]!.pages.removeFirst()
                condition.broadcast()  // its worker may be waiting for room
                return .chunk(page)
            }
            guard segment.done else { return nil }
            segments[current] = nil
            current += 1
            condition.broadcast()  // a worker may be waiting for the window to move
        }
        return allAssigned && current == nextSegment ? .end : nil
    }

    /// Resumes a waiting reader if something is ready; called with the lock held.
    private func wakeReader() {
        guard let reader = waiter, let result = ready() else { return }
        waiter = nil
        switch result {
        case .chunk(let bytes): reader.resume(returning: bytes)
        case .end: reader.resume(returning: nil)
        case .failed(let error): reader.resume(throwing: error)
        }
    }

    func next() async throws -> [UInt8]? {
        try await withCheckedThrowingContinuation { reader in
            condition.lock()
            defer { condition.unlock() }
            waiter = reader
            wakeReader()
        }
    }

    /// Pages made and not yet taken by the reader: what the export holds in memory.
    var pagesWaiting: Int {
        condition.lock()
        defer { condition.unlock() }
        return segments.values.reduce(0) { $0 + $1.pages.count }
    }

    func cancel() {
        condition.lock()
        defer { condition.unlock() }
        cancelled = true
        condition.broadcast()
    }
}
