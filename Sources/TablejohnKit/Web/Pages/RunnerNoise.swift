// A runner's run-to-run noise per metric, from the commits it measured more than once.

/// How much one machine's numbers move when nothing changed: for each commit measured at
/// least twice, the spread of its values (the scaled MAD, as a standard deviation) relative
/// to their median; per metric, the median of those spreads. Two percent here means a
/// two-percent step needs several values on each side before anyone should believe it.
struct RunnerNoise: Equatable {
    struct Metric: Equatable {
        var name: String
        /// Commits measured at least twice.
        var commits: Int
        /// The typical relative spread, 0.02 for 2 %.
        var spread: Double
    }

    let metrics: [Metric]

    init(_ repeated: [String: [Int64: [Double]]]) {
        metrics = repeated.keys.sorted().compactMap { name in
            let spreads: [Double] = repeated[name]!.values.compactMap { values in
                let center = RobustStatistics.median(values)
                guard center != 0, values.count >= 2 else { return nil }
                return RobustStatistics.mad(values, about: center) / abs(center)
            }
            guard !spreads.isEmpty else { return nil }
            return Metric(name: name, commits: spreads.count, spread: RobustStatistics.median(spreads))
        }
    }

    func render(_ html: inout HTMLWriter) {
        html.raw("<h2>Run-to-run noise</h2>\n")
        guard !metrics.isEmpty else {
            html.raw("<p id=\"noise\">No commit was measured twice on this runner yet. Re-runs (confirmations of changes, or ")
            html.raw("<code>tjctl queue add</code> of a measured commit) show here how much its numbers move when nothing changed.</p>\n")
            return
        }
        html.raw("<table id=\"noise\" class=\"noise\">\n<thead><tr><th>Metric</th><th class=\"number\">Commits measured twice or more</th>")
        html.raw("<th class=\"number\">Typical spread</th></tr></thead>\n<tbody>\n")
        for metric in metrics {
            html.raw("<tr>")
            html.element("td", metric.name)
            html.raw("<td class=\"number\">\(metric.commits)</td><td class=\"number\">±\(String(format: "%.2f", metric.spread * 100)) %</td></tr>\n")
        }
        html.raw("</tbody>\n</table>\n<p class=\"hint\">The spread of repeated measurements of one commit (a standard deviation, relative to ")
        html.raw("their median), the median over commits; runs that shared the machine with another run are left out.</p>\n")
    }
}
