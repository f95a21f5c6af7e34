// Renders a MetricComparison: one row per metric, the delta coloured by the metric's direction.

/// The measurements table of the commit, run and compare pages.
struct ComparisonTable {
    var comparison: MetricComparison
    /// Column headings for the value and the baseline, e.g. "This commit" and "Parent".
    var valueHeading: String
    var baselineHeading: String
    /// Trusted id attribute of the table.
    var id: String

    func render(_ html: inout HTMLWriter) {
        html.raw("<table class=\"comparison\" id=\"\(id)\">\n<thead><tr><th>Metric</th><th class=\"number\">")
        html.text(valueHeading)
        html.raw("</th><th class=\"number\">")
        html.text(baselineHeading)
        html.raw("</th><th class=\"number\">Change</th><th>Unit</th><th>Better</th></tr></thead>\n<tbody>\n")
        for row in comparison.rows {
            html.raw("<tr>")
            html.element("td", row.metric, attributes: "class=\"metric\"")
            Self.value(&html, row.value, count: row.valueCount)
            Self.value(&html, row.baseline, count: row.baselineCount)
            if let change = row.change {
                html.raw("<td class=\"number delta \(change.verdict.rawValue)\">")
                html.text(change.text)
                html.raw("</td>")
            } else {
                html.raw("<td class=\"number delta\"></td>")
            }
            html.element("td", row.unit ?? "")
            html.raw("<td class=\"hint\">\(Self.directionText(row.direction))</td></tr>\n")
        }
        html.raw("</tbody>\n</table>\n")
    }

    private static func value(_ html: inout HTMLWriter, _ value: Double?, count: Int) {
        guard let value else {
            html.raw("<td class=\"number hint\">—</td>")
            return
        }
        if count > 1 {
            html.raw("<td class=\"number\" title=\"median of \(count) runs\">")
            html.text(DisplayFormat.number(value))
            html.raw(" <span class=\"hint\">×\(count)</span></td>")
        } else {
            html.element("td", DisplayFormat.number(value), attributes: "class=\"number\"")
        }
    }

    static func directionText(_ direction: MetricDirection) -> String {
        switch direction {
        case .lower: "lower"
        case .higher: "higher"
        case .neutral: ""
        }
    }
}
