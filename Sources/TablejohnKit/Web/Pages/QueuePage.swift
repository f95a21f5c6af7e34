// /queue/: runners with their state, current run and live output; the queue with priorities; admin forms.

/// What `/queue/` shows. Live output is rendered here first and then kept fresh by
/// `Assets/queue.js` from `GET /api/queue/live`; without JavaScript a reload updates it.
struct QueuePage {
    var runners: [RunnerOverview]
    /// The first entries of the queue, in the order runners take them.
    var queue: [QueueEntry]
    /// How many commits are queued in all.
    var total: Int
    /// Guidance while nothing is measured.
    var firstSteps: FirstSteps?
    var viewer = Viewer.anonymous

    /// The bound on the entries listed.
    static let limit = 200
    static let back = "<input type=\"hidden\" name=\"back\" value=\"/queue/\">"

    func render() -> String {
        var html = HTMLWriter()
        PageLayout.open(&html, title: "Queue · tablejohn", viewer: viewer, scripts: [StaticAssets.url("queue.js")])
        html.raw("<h1>Queue</h1>\n")
        firstSteps?.render(&html)
        html.raw("<h2>Runners</h2>\n")
        if runners.isEmpty {
            html.raw("<p id=\"runners\">No runners yet. <code>tjctl runner add NAME</code> issues a token for one.</p>\n")
        } else {
            html.raw("<div id=\"runners\" data-live=\"\(URLPath.href("/api/queue/live"))\">\n")
            for runner in runners { RunnerStateView(runner: runner).renderLive(&html) }
            html.raw("</div>\n")
        }
        renderQueue(&html)
        if viewer.isAdmin { renderAdmin(&html) }
        PageLayout.close(&html)
        return html.output
    }

    private func renderQueue(_ html: inout HTMLWriter) {
        html.raw("<h2>Queued commits <span class=\"hint\" id=\"queue-total\">\(DisplayFormat.count(total, "commit"))</span></h2>\n")
        guard !queue.isEmpty else {
            html.raw("<p id=\"queue\">The queue is empty.</p>\n")
            return
        }
        html.raw("<table id=\"queue\" class=\"queue\">\n<thead><tr><th class=\"number\">Priority</th><th>Commit</th><th>Message</th>")
        html.raw("<th>Committed</th><th>Queued</th><th>Machine</th>\(viewer.isAdmin ? "<th></th>" : "")</tr></thead>\n<tbody>\n")
        for entry in queue {
            html.raw("<tr><td class=\"number\">\(entry.priority)</td>")
            html.raw("<td><a href=\"\(URLPath.href(URLPath.commit(entry.hash)))\"><code>\(entry.hash.prefix(10))</code></a></td>")
            html.element("td", entry.summary, attributes: "class=\"message\"")
            html.element("td", DisplayFormat.date(seconds: entry.committerTime))
            html.element("td", DisplayFormat.date(seconds: entry.added / 1000))
            // Bisection and confirmation runs wait for the machine of their change.
            html.element("td", entry.affinity.map { "only \($0.label)" } ?? "any", attributes: "class=\"machine\"")
            if viewer.isAdmin {
                html.raw("<td class=\"admin\"><form class=\"inline\" method=\"post\" action=\"\(URLPath.href("/admin/queue/priority"))\">\(viewer.csrfField)\(Self.back)")
                html.raw("<input type=\"hidden\" name=\"commit\" value=\"\(entry.hash)\">")
                html.raw("<input type=\"number\" name=\"priority\" value=\"\(entry.priority)\" class=\"priority\" aria-label=\"priority\">")
                html.raw("<button type=\"submit\">Set</button></form> ")
                html.raw("<form class=\"inline\" method=\"post\" action=\"\(URLPath.href("/admin/queue/remove"))\">\(viewer.csrfField)\(Self.back)")
                html.raw("<input type=\"hidden\" name=\"commit\" value=\"\(entry.hash)\"><button type=\"submit\">Remove</button></form></td>")
            }
            html.raw("</tr>\n")
        }
        html.raw("</tbody>\n</table>\n")
        if total > queue.count {
            html.raw("<p class=\"hint\" id=\"queue-more\">The first \(queue.count) of \(total) queued commits.</p>\n")
        }
    }

    private func renderAdmin(_ html: inout HTMLWriter) {
        html.raw("<h2>Change the queue</h2>\n<div class=\"admin-forms\">\n")
        html.raw("<form method=\"post\" action=\"\(URLPath.href("/admin/queue/add"))\" id=\"queue-add\" class=\"panel\">\(viewer.csrfField)\(Self.back)")
        html.raw("<label>Commit, ref or short hash <input name=\"commit\" required></label> ")
        html.raw("<label>Priority <input type=\"number\" name=\"priority\" value=\"0\" class=\"priority\"></label> ")
        html.raw("<button type=\"submit\">Queue</button></form>\n")
        html.raw("<form method=\"post\" action=\"\(URLPath.href("/admin/fetch"))\" id=\"fetch\" class=\"panel\">\(viewer.csrfField)\(Self.back)")
        html.raw("<button type=\"submit\">Fetch now</button></form>\n</div>\n")
    }
}
