// /run/<id>/: one run with its commit, runner, measurements against the parent's runs, and output log.
import Foundation

/// What `/run/<id>/` shows. Everything from the run (metric names, output, runner,
/// fingerprint) and from the commit is escaped.
struct RunPage {
    var run: Run
    var commit: CommitSummary?
    /// The commit's first parent, and its successful runs (on any machine).
    var parent: CommitSummary?
    var parentRuns: [RunValues] = []
    var readings: [String: MetricHeader] = [:]
    var viewer = Viewer.anonymous
    /// The run is in the archive (shown with `?archive=1`).
    var archived = false

    func render() -> String {
        var html = HTMLWriter()
        PageLayout.open(&html, title: "Run \(run.id) · tablejohn", viewer: viewer)
        html.raw("<h1>Run <code>")
        html.text(run.id)
        html.raw("</code></h1>\n")
        if archived {
            html.element("p", "This run is in the archive: graphs, exports and detection leave it out (tjctl archive restore brings it back).",
                         attributes: "class=\"hint\" id=\"archived\"")
        }
        renderFacts(&html)
        html.raw("<p class=\"actions\"><a id=\"compare-link\" href=\"\(URLPath.href(URLPath.compare(run.id)))\">Compare with…</a></p>\n")
        renderMeasurements(&html)
        html.raw("<h2>Output</h2>\n")
        OutputLog(lines: run.output, id: "output").render(&html)
        PageLayout.close(&html)
        return html.output
    }

    private func renderFacts(_ html: inout HTMLWriter) {
        html.raw("<table class=\"facts\">\n<tr><th>Commit</th><td><a href=\"\(URLPath.href(URLPath.commit(run.commit)))\"><code id=\"commit\" title=\"\(run.commit)\">\(run.commit.prefix(12))</code></a>")
        if let commit {
            html.raw(" ")
            html.text(commit.summary)
            html.raw(" <span class=\"hint\">by ")
            html.text(commit.authorName)
            html.raw(", ")
            html.text(DisplayFormat.date(seconds: commit.authorTime))
            html.raw("</span>")
        }
        html.raw("</td></tr>\n<tr><th>Result</th><td id=\"result\">")
        html.raw(run.exitCode == 0 ? "<span class=\"ok\">succeeded</span>" : "<span class=\"error\">failed, exit code \(run.exitCode)</span>")
        html.raw("</td></tr>\n<tr><th>Runner</th><td id=\"runner\">")
        if let runner = run.runnerName {
            html.raw("<a href=\"\(URLPath.href(URLPath.runner(runner)))\">")
            html.text(runner)
            html.raw("</a>")
        } else {
            html.raw("—")
        }
        html.raw(run.origin == .import ? " <span class=\"hint\">(imported)</span>" : "")
        html.raw("</td></tr>\n<tr><th>Bench method</th>")
        html.element("td", run.benchMethod)
        html.raw("</tr>\n<tr><th>Time</th><td>")
        html.text(DisplayFormat.date(seconds: run.start / 1000))
        html.raw(String(format: " <span class=\"hint\">(%.1f s)</span>", Double(run.end - run.start) / 1000))
        html.raw("</td></tr>\n")
        if run.fingerprint?.objectValue != nil {
            html.raw("<tr><th>Machine</th><td id=\"fingerprint\">")
            html.text(DisplayFormat.fingerprint(run.fingerprint))
            html.raw("</td></tr>\n")
        }
        if let conditions = run.conditions, !conditions.summary.isEmpty {
            let cores = run.fingerprint?["cores"]?.intValue.map(Int.init)
            let noisy = conditions.mayBeNoisy(cores: cores)
            html.raw("<tr><th>Conditions</th><td id=\"conditions\"\(noisy ? " class=\"worse\"" : "")>")
            html.text(conditions.summary)
            if noisy { html.raw(" <span class=\"hint\">— its numbers may be noisier than usual</span>") }
            html.raw("</td></tr>\n")
        }
        html.raw("</table>\n")
    }

    private func renderMeasurements(_ html: inout HTMLWriter) {
        html.raw("<h2>Measurements</h2>\n")
        guard !run.measurements.isEmpty else {
            html.raw("<p id=\"measurements\">No measurements.</p>\n")
            return
        }
        ParentComparison(values: MetricComparison.values(of: run), units: MetricComparison.units(of: run),
                         machine: Machine(runner: run.runnerName, fingerprint: run.fingerprint), parent: parent, parentRuns: parentRuns, readings: readings, valueHeading: "This run",
                         id: "measurements").render(&html)
        renderBounds(&html)
    }

    /// Ranges and sample counts, for the measurements that have them.
    private func renderBounds(_ html: inout HTMLWriter) {
        let detailed = run.measurements.filter { $0.lower != nil || $0.upper != nil || $0.samples != nil }
        guard !detailed.isEmpty else { return }
        html.raw("<table id=\"bounds\" class=\"bounds\">\n<thead><tr><th>Metric</th><th>Range</th><th class=\"number\">Samples</th></tr></thead>\n<tbody>\n")
        for measurement in detailed {
            html.raw("<tr>")
            html.element("td", measurement.metric)
            html.element("td", [measurement.lower, measurement.upper].compactMap { $0 }.map(DisplayFormat.number).joined(separator: " – "))
            html.element("td", measurement.samples.map { "\($0.count)" } ?? "", attributes: "class=\"number\"")
            html.raw("</tr>\n")
        }
        html.raw("</tbody>\n</table>\n")
    }
}
