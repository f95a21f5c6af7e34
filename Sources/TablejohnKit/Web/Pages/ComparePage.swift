// /compare/<id1>/<id2>/: two runs side by side, the change from the first to the second per metric.

/// What `/compare/<base>/<other>/` shows: the base run's values, the other's, and the
/// change coloured by each metric's direction. Runs from different machines are
/// compared only under a warning saying so.
struct ComparePage {
    var base: Run
    var other: Run
    var baseCommit: CommitSummary?
    var otherCommit: CommitSummary?
    var readings: [String: MetricHeader]
    var viewer = Viewer.anonymous

    var baseMachine: Machine { Machine(runner: base.runnerName, fingerprint: base.fingerprint) }
    var otherMachine: Machine { Machine(runner: other.runnerName, fingerprint: other.fingerprint) }

    func render() -> String {
        var html = HTMLWriter()
        PageLayout.open(&html, title: "Compare \(base.id.prefix(8)) and \(other.id.prefix(8)) · tablejohn", viewer: viewer)
        html.raw("<h1>Compare runs</h1>\n")
        renderRuns(&html)
        if !baseMachine.isSameMachine(as: otherMachine) {
            html.raw("<p class=\"warning\" id=\"machine-warning\">These runs come from different machines: ")
            html.text(DisplayFormat.machine(baseMachine))
            html.raw(" and ")
            html.text(DisplayFormat.machine(otherMachine))
            html.raw(". Differences may come from the machines, not the code.</p>\n")
        }
        html.raw("<p class=\"actions\"><a id=\"swap\" href=\"\(URLPath.href(URLPath.compare(other.id, base.id)))\">Swap</a> · ")
        html.raw("<a href=\"\(URLPath.href(URLPath.compare(base.id)))\">Compare the first run with another…</a></p>\n")
        html.raw("<h2>Measurements</h2>\n")
        let comparison = MetricComparison(values: MetricComparison.values(of: other), baseline: MetricComparison.values(of: base), readings: readings,
                                          units: MetricComparison.units(of: other).merging(MetricComparison.units(of: base)) { kept, _ in kept })
        if comparison.rows.isEmpty {
            html.raw("<p id=\"measurements\">Neither run has measurements.</p>\n")
        } else {
            ComparisonTable(comparison: comparison, valueHeading: "Second run", baselineHeading: "First run", id: "measurements")
                .render(&html)
        }
        PageLayout.close(&html)
        return html.output
    }

    private func renderRuns(_ html: inout HTMLWriter) {
        html.raw("<table class=\"facts\" id=\"runs\">\n<tr><th></th><th>First run</th><th>Second run</th></tr>\n<tr><th>Run</th>")
        for run in [base, other] {
            html.raw("<td><a href=\"\(URLPath.href(URLPath.run(run.id)))\"><code>")
            html.text(run.id)
            html.raw("</code></a></td>")
        }
        html.raw("</tr>\n<tr><th>Commit</th>")
        for (run, commit) in [(base, baseCommit), (other, otherCommit)] {
            html.raw("<td>")
            if let commit {
                ParentComparison.commitLink(&html, commit)
            } else {
                html.raw("<code>\(run.commit.prefix(10))</code>")
            }
            html.raw("</td>")
        }
        html.raw("</tr>\n<tr><th>Machine</th>")
        for machine in [baseMachine, otherMachine] { html.element("td", DisplayFormat.machine(machine)) }
        html.raw("</tr>\n<tr><th>Started</th>")
        for run in [base, other] { html.element("td", DisplayFormat.date(seconds: run.start / 1000)) }
        html.raw("</tr>\n<tr><th>Result</th>")
        for run in [base, other] {
            html.raw(run.exitCode == 0 ? "<td class=\"ok\">succeeded</td>" : "<td class=\"error\">failed, exit code \(run.exitCode)</td>")
        }
        html.raw("</tr>\n</table>\n")
    }
}
