// The front page: the repository, its refs with their tips, the sync state and the queue length.
import Foundation

/// What `/` shows.
struct IndexPage {
    var repositoryPath: String
    var refs: [RefSummary]
    var commitCount: Int
    var queueLength: Int
    var sync: SyncState
    var viewer = Viewer.anonymous

    func render() -> String {
        var html = HTMLWriter()
        PageLayout.open(&html, title: "tablejohn", viewer: viewer)
        html.raw("<h1>tablejohn</h1>\n<p class=\"repo\">Repository ")
        html.element("code", repositoryPath)
        html.raw("</p>\n")
        renderStatus(&html)
        renderRefs(&html)
        PageLayout.close(&html)
        return html.output
    }

    private func renderStatus(_ html: inout HTMLWriter) {
        html.raw("<ul class=\"status\">\n")
        html.raw("<li id=\"commit-count\">\(DisplayFormat.count(commitCount, "commit"))</li>\n")
        html.raw("<li id=\"queue-length\">\(queueLength) queued</li>\n")
        switch sync.phase {
        case .waiting:
            if let last = sync.lastSuccess {
                html.raw("<li id=\"sync\">Last sync ")
                html.text(DisplayFormat.date(seconds: Int64(last.timeIntervalSince1970)))
                html.raw("</li>\n")
            } else {
                html.raw("<li id=\"sync\">Waiting for the first sync</li>\n")
            }
        case .fetching:
            html.raw("<li id=\"sync\">Fetching…</li>\n")
        case .importing(let commits):
            html.raw("<li id=\"sync\">Importing: \(commits) commits so far</li>\n")
        }
        if let error = sync.lastError {
            html.raw("<li id=\"sync-error\" class=\"error\">Last sync failed: ")
            html.text(error)
            html.raw("</li>\n")
        }
        html.raw("</ul>\n")
        if queueLength == 0 && sync.rounds > 0 {
            html.raw("<p class=\"hint\">New commits on tracked refs are queued automatically.</p>\n")
        }
    }

    private func renderRefs(_ html: inout HTMLWriter) {
        html.raw("<h2>Refs</h2>\n")
        guard !refs.isEmpty else {
            html.raw("<p>No refs yet.</p>\n")
            return
        }
        html.raw("<table class=\"refs\">\n<thead><tr><th>Ref</th><th>Tracked</th><th>Tip</th><th>Date</th><th>Author</th><th>Message</th></tr></thead>\n<tbody>\n")
        for ref in refs {
            html.raw(ref.tracked ? "<tr class=\"tracked\">" : "<tr>")
            html.element("td", RefName.short(ref.name), attributes: "title=\"\(HTMLEscaping.escape(ref.name))\"")
            html.raw(ref.tracked ? "<td>tracked</td>" : "<td></td>")
            html.raw("<td><code title=\"\(ref.hash)\">\(ref.hash.prefix(10))</code></td>")
            html.element("td", DisplayFormat.date(seconds: ref.committerTime))
            html.element("td", ref.authorName)
            html.element("td", ref.summary)
            html.raw("</tr>\n")
        }
        html.raw("</tbody>\n</table>\n")
    }
}
