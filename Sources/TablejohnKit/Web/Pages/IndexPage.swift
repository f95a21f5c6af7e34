// The front page: the repository, its refs with their tips and latest results, the sync state, runners and queue.
import Foundation

/// What `/` shows.
struct IndexPage {
    var repositoryPath: String
    var refs: [RefSummary]
    var commitCount: Int
    var queueLength: Int
    var sync: SyncState
    /// The newest results of each tracked ref, by full ref name.
    var latest: [String: LatestRun] = [:]
    var runners: [RunnerOverview] = []
    /// The first few queued commits.
    var nextQueued: [QueueEntry] = []
    /// Reported changes nobody acknowledged yet, newest first.
    var changes: [PerformanceChange] = []
    /// Guidance while nothing is measured.
    var firstSteps: FirstSteps?
    var viewer = Viewer.anonymous

    /// How many changes the front page lists.
    static let changeLimit = 10

    /// How many queued commits the summary names.
    static let queuePreview = 5

    func render() -> String {
        var html = HTMLWriter()
        PageLayout.open(&html, title: "tablejohn", viewer: viewer)
        html.raw("<h1>tablejohn</h1>\n<p class=\"repo\">Repository ")
        html.element("code", repositoryPath)
        html.raw("</p>\n")
        // Sections in page order; each is self-contained (heading and content), so a new
        // one, such as recent significant changes, is one more call here.
        renderStatus(&html)
        firstSteps?.render(&html)
        renderChanges(&html)
        renderRefs(&html)
        IndexSummaries(runners: runners, nextQueued: nextQueued, queueLength: queueLength).render(&html)
        if viewer.isAdmin { renderAdmin(&html) }
        PageLayout.close(&html)
        return html.output
    }

    private func renderChanges(_ html: inout HTMLWriter) {
        html.raw("<h2>Recent significant changes</h2>\n")
        guard !changes.isEmpty else {
            html.raw("<p id=\"no-changes\">No unacknowledged changes. Regressions are listed once re-runs confirm them.</p>\n")
            return
        }
        ChangeList(changes: changes, id: "recent-changes").render(&html)
        html.raw("<p class=\"hint\">Acknowledge one with <code>tjctl changes --ack ID</code>.</p>\n")
    }

    private func renderAdmin(_ html: inout HTMLWriter) {
        html.raw("<h2>Repository</h2>\n<form method=\"post\" action=\"\(URLPath.href("/admin/fetch"))\" id=\"fetch\" class=\"panel\">\(viewer.csrfField)")
        html.raw("<input type=\"hidden\" name=\"back\" value=\"/\"><button type=\"submit\">Fetch now</button></form>\n")
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
        for group in RefGroups(refs).groups {
            let heading = "\(group.kind.title) <span class=\"hint\">\(group.total)</span>"
            if group.kind.collapsed {
                html.raw("<details class=\"ref-group\" id=\"refs-\(group.kind.rawValue)\"><summary>\(heading)</summary>\n")
            } else {
                html.raw("<section class=\"ref-group\" id=\"refs-\(group.kind.rawValue)\"><h3>\(heading)</h3>\n")
            }
            renderRefTable(&html, group.shown)
            if group.total > group.shown.count {
                html.raw("<p class=\"hint\">The newest \(group.shown.count) of \(group.total); <code>tjctl refs</code> lists them all.</p>\n")
            }
            html.raw(group.kind.collapsed ? "</details>\n" : "</section>\n")
        }
    }

    private func renderRefTable(_ html: inout HTMLWriter, _ refs: [RefSummary]) {
        html.raw("<table class=\"refs\">\n<thead><tr><th>Ref</th><th>Tracked</th><th>Tip</th><th>Date</th><th>Author</th><th>Message</th>")
        html.raw("<th>Latest results</th>\(viewer.isAdmin ? "<th></th>" : "")</tr></thead>\n<tbody>\n")
        for ref in refs {
            html.raw(ref.tracked ? "<tr class=\"tracked\">" : "<tr>")
            html.element("td", RefName.short(ref.name), attributes: "class=\"ref-name\" title=\"\(HTMLEscaping.escape(ref.name))\"")
            html.raw(ref.tracked ? "<td>tracked</td>" : "<td></td>")
            html.raw("<td><a href=\"\(URLPath.href(URLPath.commit(ref.hash)))\"><code title=\"\(ref.hash)\">\(ref.hash.prefix(10))</code></a></td>")
            html.element("td", DisplayFormat.date(seconds: ref.committerTime), attributes: "class=\"date\"")
            html.element("td", ref.authorName)
            html.element("td", ref.summary, attributes: "class=\"message\"")
            renderLatest(&html, ref)
            if viewer.isAdmin { renderTracking(&html, ref) }
            html.raw("</tr>\n")
        }
        html.raw("</tbody>\n</table>\n")
    }

    private func renderLatest(_ html: inout HTMLWriter, _ ref: RefSummary) {
        html.raw("<td class=\"latest\">")
        if let latest = latest[ref.name] {
            let run = latest.run
            html.raw("<a href=\"\(URLPath.href(URLPath.run(run.id)))\">")
            html.text(DisplayFormat.date(seconds: run.start / 1000))
            html.raw("</a> ")
            html.raw(run.exitCode == 0 ? "<span class=\"ok\">\(DisplayFormat.count(run.measurementCount, "measurement"))</span>"
                : "<span class=\"error\">failed</span>")
            if latest.depth > 0 {
                html.raw(" <span class=\"hint\">on <a href=\"\(URLPath.href(URLPath.commit(run.commit)))\">\(run.commit.prefix(7))</a>, ")
                html.raw("\(DisplayFormat.count(latest.depth, "commit")) below the tip</span>")
            }
        } else if ref.tracked {
            html.raw("<span class=\"hint\">none yet</span>")
        }
        html.raw("</td>")
    }

    /// The admin's track or untrack button for one ref.
    private func renderTracking(_ html: inout HTMLWriter, _ ref: RefSummary) {
        html.raw("<td class=\"admin\"><form class=\"inline\" method=\"post\" action=\"\(URLPath.href(ref.tracked ? "/admin/untrack" : "/admin/track"))\">")
        html.raw(viewer.csrfField)
        html.raw("<input type=\"hidden\" name=\"ref\" value=\"\(HTMLEscaping.escape(ref.name))\"><input type=\"hidden\" name=\"back\" value=\"/\">")
        html.raw("<button type=\"submit\">\(ref.tracked ? "Untrack" : "Track")</button></form></td>")
    }
}
