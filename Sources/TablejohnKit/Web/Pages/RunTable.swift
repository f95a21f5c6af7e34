// A list of runs as a table: shared by the commit, runner and compare pages.

/// Runs, newest first, each linking to its page (or wherever `link` says).
struct RunTable {
    var runs: [RunSummary]
    /// Trusted id attribute of the table.
    var id: String
    /// Whether to show each run's commit (not on a commit's own page).
    var showsCommit = true
    /// Where a run's row links; by default its page.
    var link: (RunSummary) -> String = { URLPath.href(URLPath.run($0.id)) + ($0.archived ? "?archive=1" : "") }
    /// A trusted note per run (e.g. "parent commit", "other machine"), shown last.
    var note: (RunSummary) -> String = { _ in "" }

    func render(_ html: inout HTMLWriter) {
        html.raw("<table class=\"runs\" id=\"\(id)\">\n<thead><tr><th>Run</th>")
        if showsCommit { html.raw("<th>Commit</th>") }
        html.raw("<th>Started</th><th>Runner</th><th>Method</th><th>Result</th><th class=\"number\">Measurements</th><th></th></tr></thead>\n<tbody>\n")
        for run in runs {
            html.raw("<tr><td><a href=\"\(HTMLEscaping.escape(link(run)))\"><code title=\"\(HTMLEscaping.escape(run.id))\">")
            html.text(run.id.count > 13 ? String(run.id.prefix(12)) + "…" : run.id)
            html.raw("</code></a></td>")
            if showsCommit {
                html.raw("<td><a href=\"\(URLPath.href(URLPath.commit(run.commit)))\"><code>\(run.commit.prefix(10))</code></a></td>")
            }
            html.element("td", DisplayFormat.date(seconds: run.start / 1000))
            html.raw("<td>")
            if let runner = run.runnerName {
                html.raw("<a href=\"\(URLPath.href(URLPath.runner(runner)))\">")
                html.text(runner)
                html.raw("</a>")
            }
            html.raw(run.origin == .import ? " <span class=\"hint\">(imported)</span>" : "")
            html.raw("</td>")
            html.element("td", run.benchMethod)
            html.raw(run.exitCode == 0 ? "<td class=\"ok\">ok</td>" : "<td class=\"error\">exit \(run.exitCode)</td>")
            html.raw("<td class=\"number\">\(run.measurementCount)</td><td class=\"hint\">\(note(run))</td></tr>\n")
        }
        html.raw("</tbody>\n</table>\n")
    }
}
