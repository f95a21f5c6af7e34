// /commit/<hash>/: a commit with its neighbours, refs, queue state, measurements against its parent, and runs.

/// What `/commit/<hash>/` shows. Everything from the repository is escaped.
struct CommitPage {
    var commit: CommitDetails
    /// The commit's runs, newest first (bounded).
    var runs: [RunSummary]
    /// Its successful runs' measurements, and its first parent's.
    var values: [RunValues]
    var parentValues: [RunValues]
    var readings: [String: MetricHeader]
    /// Changes whose new level starts at this commit, in any state.
    var changes: [PerformanceChange] = []
    var viewer = Viewer.anonymous

    /// The bound on the runs listed.
    static let runLimit = 100

    func render() -> String {
        var html = HTMLWriter()
        PageLayout.open(&html, title: "\(commit.hash.prefix(10)) \(commit.summary) · tablejohn", viewer: viewer)
        html.raw("<h1>Commit <code id=\"hash\">\(commit.hash)</code></h1>\n")
        html.element("p", commit.summary, attributes: "class=\"subtitle\" id=\"summary\"")
        renderFacts(&html)
        html.raw("<h2>Message</h2>\n")
        html.element("pre", commit.message, attributes: "class=\"message\" id=\"message\"")
        if !changes.isEmpty {
            html.raw("<h2>Changes at this commit</h2>\n")
            ChangeList(changes: changes, id: "changes", showsCommit: false).render(&html)
        }
        renderMeasurements(&html)
        html.raw("<h2>Runs</h2>\n")
        if runs.isEmpty {
            html.raw("<p id=\"runs\">No runs yet.</p>\n")
        } else {
            RunTable(runs: runs, id: "runs", showsCommit: false).render(&html)
            if runs.count >= Self.runLimit { html.raw("<p class=\"hint\">The newest \(Self.runLimit) runs.</p>\n") }
        }
        PageLayout.close(&html)
        return html.output
    }

    private func renderFacts(_ html: inout HTMLWriter) {
        html.raw("<table class=\"facts\">\n")
        signature(&html, "Author", commit.author, id: "author")
        if commit.committer != commit.author { signature(&html, "Committer", commit.committer, id: "committer") }
        neighbours(&html, commit.parents.count == 1 ? "Parent" : "Parents", commit.parents, id: "parents", none: "none (a root commit)")
        neighbours(&html, "Children", commit.children, id: "children", none: "none imported")
        if commit.children.count >= Store.childLimit { html.raw("<tr><th></th><td class=\"hint\">the newest \(Store.childLimit) children</td></tr>\n") }
        html.raw("<tr><th>Refs</th><td id=\"refs\">")
        if commit.refs.isEmpty { html.raw("<span class=\"hint\">none</span>") }
        for ref in commit.refs {
            html.element("span", RefName.short(ref.name), attributes: "class=\"ref\(ref.tracked ? " tracked" : "")\" title=\"\(HTMLEscaping.escape(ref.name))\"")
            html.raw(" ")
        }
        html.raw("</td></tr>\n<tr><th>Queue</th><td id=\"queue-state\">")
        if let priority = commit.queuePriority {
            html.raw("queued with priority \(priority) <a href=\"\(URLPath.href("/queue/"))\">(queue)</a>")
        } else {
            html.raw("not queued")
        }
        html.raw("</td></tr>\n")
        if commit.reachability == .unreachable {
            html.raw("<tr><th>Reachable</th><td class=\"hint\">from no ref</td></tr>\n")
        }
        html.raw("</table>\n")
    }

    private func signature(_ html: inout HTMLWriter, _ label: String, _ who: CommitSignature, id: String) {
        html.raw("<tr><th>\(label)</th><td id=\"\(id)\">")
        html.text(who.name)
        html.raw(" <span class=\"hint\">&lt;")
        html.text(who.email)
        html.raw("&gt;</span>, ")
        html.text(DisplayFormat.date(seconds: who.time))
        html.raw("</td></tr>\n")
    }

    private func neighbours(_ html: inout HTMLWriter, _ label: String, _ commits: [CommitSummary], id: String, none: String) {
        html.raw("<tr><th>\(label)</th><td id=\"\(id)\">")
        if commits.isEmpty { html.raw("<span class=\"hint\">\(none)</span>") }
        for commit in commits {
            html.raw("<div>")
            ParentComparison.commitLink(&html, commit)
            html.raw("</div>")
        }
        html.raw("</td></tr>\n")
    }

    private func renderMeasurements(_ html: inout HTMLWriter) {
        html.raw("<h2>Measurements</h2>\n")
        let groups = MetricComparison.byMachine(values)
        guard !groups.isEmpty else {
            html.raw("<p id=\"measurements\">No measurements yet")
            html.raw(commit.queuePriority != nil ? ": the commit is queued.</p>\n" : ".</p>\n")
            return
        }
        for (index, group) in groups.enumerated() {
            html.raw("<section class=\"machine\">\n<h3>On ")
            html.text(DisplayFormat.machine(group.machine))
            html.raw("</h3>\n")
            ParentComparison(values: MetricComparison.values(of: group.runs), units: MetricComparison.units(of: group.runs),
                             machine: group.machine, parent: commit.parents.first, parentRuns: parentValues, readings: readings,
                             valueHeading: group.runs.count == 1 ? "This commit" : "This commit (\(group.runs.count) runs)",
                             id: "measurements-\(index + 1)").render(&html)
            html.raw("</section>\n")
        }
    }
}
