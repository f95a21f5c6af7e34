// A table of detected changes, used by the front page and commit pages.
import Foundation

/// Changes as rows: what moved, by how much, where, and how sure tablejohn is.
struct ChangeList {
    var changes: [PerformanceChange]
    var id: String
    /// Whether to name the commit in each row (not on the commit's own page).
    var showsCommit = true

    func render(_ html: inout HTMLWriter) {
        html.raw("<table class=\"changes\" id=\"\(id)\">\n<thead><tr><th>Change</th><th>Metric</th><th class=\"number\">Before</th>")
        html.raw("<th class=\"number\">After</th>\(showsCommit ? "<th>Commit</th>" : "")<th>Ref</th><th>Runner</th><th>State</th><th>Detected</th></tr></thead>\n<tbody>\n")
        for change in changes {
            let verdict = ChangeVerdict(change.kind)
            let percent = change.magnitude * 100
            let sign = percent > 0 ? "+" : (percent < 0 ? "−" : "±")
            html.raw("<tr data-change=\"\(change.id)\"><td class=\"\(verdict.rawValue)\">\(change.kind.rawValue) \(sign)\(String(format: "%.1f", abs(percent))) %</td>")
            html.element("td", change.metric)
            html.raw("<td class=\"number\">\(DisplayFormat.number(change.before))</td><td class=\"number\">\(DisplayFormat.number(change.after))</td>")
            if showsCommit {
                html.raw("<td><a href=\"\(URLPath.href(URLPath.commit(change.commit)))\"><code>\(change.commit.prefix(10))</code></a> ")
                html.text(change.summary)
                html.raw("</td>")
            }
            html.element("td", RefName.short(change.ref))
            html.element("td", change.runnerName ?? "—")
            // "confirmed: 6 runs each, p = 0.0022, +9.8 %", "bisecting, unconfirmable on bench-a", or the state alone.
            html.raw("<td>")
            html.text(change.confirmationText ?? change.state.rawValue)
            html.raw("\(change.acked == nil ? "" : ", acknowledged")</td>")
            html.element("td", DisplayFormat.date(seconds: change.detected / 1000))
            html.raw("</tr>\n")
        }
        html.raw("</tbody>\n</table>\n")
    }
}
