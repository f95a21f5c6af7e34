// A runner's state, current run and live output as markup: used by the queue, front and runner pages.

/// Renders one runner. The elements marked `data-field` are the ones `Assets/queue.js`
/// rewrites from `GET /api/queue/live`, building the same markup.
struct RunnerStateView {
    var runner: RunnerOverview

    /// `<span class="state state-idle" data-field="state">idle</span>`, then why a paused
    /// runner takes no work (`<span class="paused" data-field="paused">…</span>`, empty otherwise).
    func renderState(_ html: inout HTMLWriter) {
        let state = runner.state.rawValue
        html.raw("<span class=\"state state-\(state.replacingOccurrences(of: " ", with: "-"))\" data-field=\"state\">\(state)</span>")
        html.element("span", runner.paused?.text ?? "", attributes: "class=\"paused\" data-field=\"paused\"")
    }

    /// The commit and run it works on, or a dash.
    func renderRun(_ html: inout HTMLWriter) {
        html.raw("<span class=\"run\" data-field=\"run\">")
        if let run = runner.run {
            html.raw("on <a href=\"\(URLPath.href(URLPath.commit(run.hash)))\"><code>\(run.hash.prefix(10))</code></a>, run <code>")
            html.text(run.runID)
            html.raw("</code>")
        } else {
            html.raw("—")
        }
        html.raw("</span>")
    }

    /// A link to the runner's page.
    func renderName(_ html: inout HTMLWriter) {
        html.raw("<a class=\"runner-name\" href=\"\(URLPath.href(URLPath.runner(runner.name)))\">")
        html.text(runner.name)
        html.raw("</a>")
    }

    /// The queue page's block: name, state, run, last seen, and the live log.
    func renderLive(_ html: inout HTMLWriter) {
        let name = HTMLEscaping.escape(runner.name)
        html.raw("<section class=\"runner\" data-runner=\"\(name)\">\n<h3>")
        renderName(&html)
        html.raw(" ")
        renderState(&html)
        html.raw(" ")
        renderRun(&html)
        html.raw("</h3>\n")
        OutputLog(lines: runner.output, id: nil, attributes: "data-field=\"output\"", empty: nil).render(&html)
        html.raw("</section>\n")
    }

    /// `2026-11-22 19:14:03 UTC`, or "never".
    var lastSeenText: String {
        runner.lastSeen.map { DisplayFormat.date(seconds: $0 / 1000) } ?? "never"
    }
}
