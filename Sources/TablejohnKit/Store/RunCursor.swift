// Where a page of runs ends: one token for tjctl's pages (runs.list) and the runner page's links.

/// The last run of a page, by the order run listings use (start time, then id), as a
/// token to continue after it: `START:ID`. Callers treat it as opaque.
struct RunCursor: Equatable, Sendable {
    var start: Int64
    var id: String

    init(after run: RunSummary) {
        start = run.start
        id = run.id
    }

    /// Reads a token; nil for anything that is not one.
    init?(token: String) {
        guard let colon = token.firstIndex(of: ":"), let start = Int64(token[..<colon]) else { return nil }
        let id = String(token[token.index(after: colon)...])
        guard !id.isEmpty else { return nil }
        self.start = start
        self.id = id
    }

    var token: String { "\(start):\(id)" }

    /// As `Store.runs(_:limit:after:)` takes it.
    var position: (start: Int64, id: String) { (start, id) }
}
