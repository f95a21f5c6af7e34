// /runner/<name>/: a runner's state, last call, machine, current run with its last output, and its runs page by page.

/// What `/runner/<name>/` shows.
struct RunnerPage {
    var name: String
    /// Nil for a runner known only from stored runs (revoked, or seen before a restart with a shared token).
    var runner: RunnerOverview?
    /// A page of its runs, newest first.
    var runs: [RunSummary]
    /// Whether this page starts after a cursor (not the newest runs).
    var isContinuation: Bool
    /// Its run-to-run noise per metric.
    var noise = RunnerNoise([:])
    var viewer = Viewer.anonymous

    static let pageSize = 50

    func render() -> String {
        var html = HTMLWriter()
        PageLayout.open(&html, title: "Runner \(name) · tablejohn", viewer: viewer)
        html.raw("<h1>Runner <span id=\"runner-name\">")
        html.text(name)
        html.raw("</span></h1>\n")
        renderFacts(&html)
        if let runner, runner.run != nil {
            html.raw("<h2>Last output</h2>\n")
            OutputLog(lines: runner.output, id: "live-output", empty: "No output yet.").render(&html)
            html.raw("<p class=\"hint\"><a href=\"\(URLPath.href("/queue/"))\">The queue page</a> follows it live.</p>\n")
        }
        if !isContinuation { noise.render(&html) }
        html.raw(isContinuation ? "<h2>Older runs</h2>\n" : "<h2>Recent runs</h2>\n")
        if runs.isEmpty {
            html.raw("<p id=\"runs\">No runs\(isContinuation ? " before these" : " yet").</p>\n")
        } else {
            RunTable(runs: runs, id: "runs").render(&html)
        }
        renderPaging(&html)
        PageLayout.close(&html)
        return html.output
    }

    private func renderFacts(_ html: inout HTMLWriter) {
        html.raw("<table class=\"facts\">\n<tr><th>State</th><td id=\"state\">")
        if let runner {
            let view = RunnerStateView(runner: runner)
            view.renderState(&html)
            html.raw("</td></tr>\n<tr><th>Last seen</th><td id=\"last-seen\">")
            html.text(view.lastSeenText)
            html.raw("</td></tr>\n<tr><th>Current run</th><td id=\"current-run\">")
            view.renderRun(&html)
            html.raw("</td></tr>\n<tr><th>Machine</th><td id=\"fingerprint\">")
            html.text(runner.fingerprint.map { DisplayFormat.fingerprint($0) } ?? "not reported")
        } else {
            html.raw("<span class=\"hint\">no token and not seen since the server started</span>")
        }
        html.raw("</td></tr>\n</table>\n")
    }

    private func renderPaging(_ html: inout HTMLWriter) {
        var links: [String] = []
        if isContinuation { links.append("<a href=\"\(URLPath.href(URLPath.runner(name)))\" id=\"newest\">Newest runs</a>") }
        if runs.count == Self.pageSize, let last = runs.last {
            let cursor = URLPath.segment(RunCursor(after: last).token)
            links.append("<a href=\"\(URLPath.href(URLPath.runner(name)))?before=\(cursor)\" id=\"older\">Older runs</a>")
        }
        if !links.isEmpty { html.raw("<p class=\"paging\">\(links.joined(separator: " · "))</p>\n") }
    }

}
