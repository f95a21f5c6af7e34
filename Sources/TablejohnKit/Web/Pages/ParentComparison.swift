// Values of one machine against the parent commit's runs on the same machine: used by the commit and run pages.

/// A measurements table with deltas against the parent's runs on the same machine, and
/// a sentence instead of deltas when there is no parent or it has no runs there.
struct ParentComparison {
    /// This side's values by metric (one run's, or the median source of several).
    var values: [String: [Double]]
    var units: [String: String]
    var machine: Machine
    var parent: CommitSummary?
    /// The parent's successful runs on any machine; only those on `machine` count.
    var parentRuns: [RunValues]
    var readings: [String: MetricHeader]
    var valueHeading: String
    /// Trusted id attribute of the table.
    var id: String

    /// The parent's runs this comparison uses.
    var baselineRuns: [RunValues] { parentRuns.filter { $0.machine.isSameMachine(as: machine) } }

    func render(_ html: inout HTMLWriter) {
        let baseline = baselineRuns
        if let parent {
            if baseline.isEmpty {
                html.raw("<p class=\"hint no-baseline\">The parent ")
                Self.commitLink(&html, parent)
                html.raw(" has no successful runs on this machine: no deltas.</p>\n")
            } else {
                html.raw("<p class=\"hint baseline\">Deltas against ")
                html.raw(baseline.count == 1 ? "the run" : "the median of \(baseline.count) runs")
                html.raw(" of the parent ")
                Self.commitLink(&html, parent)
                html.raw(" on the same machine.</p>\n")
            }
        } else {
            html.raw("<p class=\"hint no-baseline\">This commit has no parent: no deltas.</p>\n")
        }
        let comparison = MetricComparison(values: values, baseline: MetricComparison.values(of: baseline), readings: readings,
                                          units: units.merging(MetricComparison.units(of: baseline)) { kept, _ in kept })
        ComparisonTable(comparison: comparison, valueHeading: valueHeading,
                        baselineHeading: baseline.isEmpty ? "Parent" : "Parent (\(parent.map { String($0.hash.prefix(7)) } ?? ""))",
                        id: id).render(&html)
    }

    /// `<a href="/commit/…/"><code>abc1234</code></a> summary`.
    static func commitLink(_ html: inout HTMLWriter, _ commit: CommitSummary) {
        html.raw("<a href=\"\(URLPath.href(URLPath.commit(commit.hash)))\"><code>\(commit.hash.prefix(10))</code></a> ")
        html.element("span", commit.summary, attributes: "class=\"summary\"")
    }
}
