// /compare/BASE...HEAD/: a branch against the merge base, one verdict per metric, coloured by direction.

/// What `/compare/BASE...HEAD/` shows: what was compared on which machine, the summary
/// line, and one row per metric with both values, the change and its verdict. Columns
/// sort through `?sort=` links, so the page needs no script.
struct BranchComparePage {
    var comparison: BranchComparison
    var baseSummary: CommitSummary?
    var headSummary: CommitSummary?
    var mergeBaseSummary: CommitSummary?
    var order: BranchComparison.RowOrder
    /// The threshold as asked for in the address, kept in the sort links; nil for the default.
    var thresholdQuery: String?
    var viewer = Viewer.anonymous

    func render() -> String {
        var html = HTMLWriter()
        PageLayout.open(&html, title: "Compare \(comparison.headName) with \(comparison.baseName) · tablejohn", viewer: viewer)
        html.raw("<h1>Compare <code>")
        html.text(comparison.headName)
        html.raw("</code> with <code>")
        html.text(comparison.baseName)
        html.raw("</code></h1>\n")
        renderFacts(&html)
        if comparison.waiting != nil {
            html.raw("<p class=\"warning\" id=\"waiting\">")
            html.text(comparison.summaryLine)
            if comparison.queued {
                html.raw(". The verdict appears here once it has run; see the <a href=\"\(URLPath.href("/queue/"))\">queue</a>.</p>\n")
            } else {
                html.raw(". A comparison against a tracked ref, or by an admin, queues it.</p>\n")
            }
        } else {
            html.raw("<p id=\"summary\">")
            html.text(comparison.summaryLine)
            html.raw("</p>\n")
            html.raw("<p class=\"hint\">Changes smaller than \(DisplayFormat.number(comparison.thresholdPercent)) % count as no change. "
                + "<a id=\"side-by-side\" href=\"\(URLPath.href(URLPath.compare(comparison.mergeBase, comparison.headCommit)))\">Runs side by side</a></p>\n")
            renderTable(&html)
        }
        PageLayout.close(&html)
        return html.output
    }

    private func renderFacts(_ html: inout HTMLWriter) {
        html.raw("<table class=\"facts\" id=\"compared\">\n")
        let lines: [(String, String, String, CommitSummary?)] = [
            ("Base", comparison.baseName, comparison.baseCommit, baseSummary),
            ("Head", comparison.headName, comparison.headCommit, headSummary),
            ("Merge base", "", comparison.mergeBase, mergeBaseSummary),
        ]
        for (label, name, hash, summary) in lines {
            html.raw("<tr><th>\(label)</th><td>")
            if !name.isEmpty {
                html.raw("<code>")
                html.text(name)
                html.raw("</code> ")
            }
            if let summary {
                ParentComparison.commitLink(&html, summary)
            } else {
                html.raw("<a href=\"\(URLPath.href(URLPath.commit(hash)))\"><code>\(hash.prefix(10))</code></a>")
            }
            html.raw("</td></tr>\n")
        }
        if let machine = comparison.machine {
            html.raw("<tr><th>Machine</th>")
            html.element("td", DisplayFormat.machine(machine), attributes: "id=\"machine\"")
            html.raw("</tr>\n")
        }
        html.raw("</table>\n")
    }

    private func renderTable(_ html: inout HTMLWriter) {
        guard !comparison.rows.isEmpty else {
            html.raw("<p id=\"verdicts\">Neither side has measurements.</p>\n")
            return
        }
        html.raw("<table class=\"comparison\" id=\"verdicts\">\n<thead><tr>")
        html.raw("<th>\(sortLink(.metric, "Metric"))</th><th class=\"number\">Merge base</th><th class=\"number\">Head</th>")
        html.raw("<th class=\"number\">\(sortLink(.change, "Change"))</th><th>\(sortLink(.verdict, "Verdict"))</th>")
        html.raw("<th>Basis</th><th>Unit</th><th>Better</th></tr></thead>\n<tbody>\n")
        for row in comparison.sortedRows(by: order) {
            html.raw("<tr class=\"\(row.verdictName)\">")
            html.element("td", row.metric, attributes: "class=\"metric\"")
            value(&html, row.baseline, samples: row.baselineSamples)
            value(&html, row.value, samples: row.valueSamples)
            let colour = switch row.verdict?.verdict {
            case .regression?: "worse"
            case .improvement?: "better"
            default: "neutral"
            }
            html.raw("<td class=\"number delta \(colour)\">")
            html.text(row.verdict.map { $0.percent.map(BranchComparison.percentText) ?? "" } ?? "")
            html.raw("</td><td class=\"verdict \(colour)\">")
            html.text(Self.verdictText(row))
            html.raw("</td>")
            html.element("td", BranchComparison.basisText(row.verdict?.basis, row), attributes: "class=\"hint\"")
            html.element("td", row.unit ?? "")
            html.raw("<td class=\"hint\">\(ComparisonTable.directionText(row.direction))</td></tr>\n")
        }
        html.raw("</tbody>\n</table>\n")
    }

    private func value(_ html: inout HTMLWriter, _ value: Double?, samples: Int) {
        guard let value else {
            html.raw("<td class=\"number hint\">—</td>")
            return
        }
        html.raw("<td class=\"number\">")
        html.text(DisplayFormat.number(value))
        if samples > 1 { html.raw(" <span class=\"hint\" title=\"median of \(samples) samples\">×\(samples)</span>") }
        html.raw("</td>")
    }

    /// A column heading that sorts by it; the current order is plain text.
    private func sortLink(_ by: BranchComparison.RowOrder, _ label: String) -> String {
        guard by != order else { return label }
        let threshold = thresholdQuery.map { "&amp;threshold=" + URLPath.segment($0) } ?? ""
        return "<a href=\"?sort=\(by.rawValue)\(threshold)\">\(label)</a>"
    }

    static func verdictText(_ row: BranchComparison.Row) -> String {
        switch row.verdict?.verdict {
        case .regression?: "regression"
        case .improvement?: "improvement"
        case .changed?: "changed"
        case .unchanged?: "no significant change"
        case nil: "missing on one side"
        }
    }
}
