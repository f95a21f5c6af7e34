// The front page's runner and queue summaries: each runner's state, the queue's length and next commits.

/// Two short sections of `/`, each pointing to `/queue/` for more.
struct IndexSummaries {
    var runners: [RunnerOverview]
    var nextQueued: [QueueEntry]
    var queueLength: Int

    func render(_ html: inout HTMLWriter) {
        renderRunners(&html)
        renderQueue(&html)
    }

    private func renderRunners(_ html: inout HTMLWriter) {
        html.raw("<h2>Runners</h2>\n")
        guard !runners.isEmpty else {
            html.raw("<p id=\"runner-summary\">No runners yet.</p>\n")
            return
        }
        html.raw("<ul id=\"runner-summary\" class=\"runner-summary\">\n")
        for runner in runners {
            let view = RunnerStateView(runner: runner)
            html.raw("<li>")
            view.renderName(&html)
            html.raw(" ")
            view.renderState(&html)
            if runner.run != nil {
                html.raw(" ")
                view.renderRun(&html)
            }
            html.raw("</li>\n")
        }
        html.raw("</ul>\n")
    }

    private func renderQueue(_ html: inout HTMLWriter) {
        html.raw("<h2>Queue</h2>\n<p id=\"queue-summary\"><a href=\"\(URLPath.href("/queue/"))\">\(queueLength) waiting</a>")
        guard !nextQueued.isEmpty else {
            html.raw(".</p>\n")
            return
        }
        html.raw(", next:</p>\n<ol id=\"queue-next\" class=\"queue-next\">\n")
        for entry in nextQueued {
            html.raw("<li><a href=\"\(URLPath.href(URLPath.commit(entry.hash)))\"><code>\(entry.hash.prefix(10))</code></a> ")
            html.text(entry.summary)
            if entry.priority != 0 { html.raw(" <span class=\"hint\">priority \(entry.priority)</span>") }
            html.raw("</li>\n")
        }
        html.raw("</ol>\n")
    }
}
