// /graph/: the metric picker and the controls around the interactive graph that Assets/graph.js draws.
import Foundation

/// What `/graph/` shows before its script takes over.
struct GraphPage {
    var metrics: [MetricHeader]
    /// Drawn when the address names no metric.
    var defaultMetrics: [String]
    var dygraphsInstalled: Bool
    /// Guidance while nothing is measured; asked for only when there are no metrics.
    var firstSteps: FirstSteps?
    var viewer = Viewer.anonymous

    func render() -> String {
        var html = HTMLWriter()
        let scripts = dygraphsInstalled ? [StaticAssets.url("dygraphs/dygraph.min.js"), StaticAssets.url("graph.js")] : []
        let styles = dygraphsInstalled ? [StaticAssets.url("dygraphs/dygraph.min.css"), StaticAssets.url("graph.css")] : [StaticAssets.url("graph.css")]
        PageLayout.open(&html, title: "Graph · tablejohn", viewer: viewer, scripts: scripts, styles: styles)
        html.raw("<h1>Graph</h1>\n")
        guard dygraphsInstalled else {
            html.raw("<p class=\"error\" id=\"dygraphs-missing\">The graph needs the dygraphs library, which is not installed on this server. ")
            html.raw("Install Debian's <code>libjs-dygraphs</code> package (<code>apt-get install libjs-dygraphs</code>) and reload.</p>\n")
            PageLayout.close(&html)
            return html.output
        }
        guard !metrics.isEmpty else {
            html.raw("<p id=\"no-metrics\">No measurements yet. Graphs appear here once runs report metrics.</p>\n")
            firstSteps?.render(&html)
            PageLayout.close(&html)
            return html.output
        }
        let defaults = (try? JSONValue.array(defaultMetrics.map(JSONValue.string)).serialized()).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
        html.raw("<div id=\"graph-app\" data-default-metrics=\"\(HTMLEscaping.escape(defaults))\">\n")
        renderControls(&html)
        html.raw("<div class=\"graph-area\"><div id=\"graph\" data-state=\"loading\"></div><div id=\"graph-legend\"></div><ul id=\"graph-changes\"></ul></div>\n")
        html.raw("<p id=\"graph-status\" class=\"hint\" aria-live=\"polite\"></p>\n</div>\n")
        html.raw("<noscript><p>The graph is drawn by JavaScript; every number is also on the commit and run pages.</p></noscript>\n")
        PageLayout.close(&html)
        return html.output
    }

    private func renderControls(_ html: inout HTMLWriter) {
        html.raw("<aside class=\"graph-controls\">\n")
        html.raw("<input type=\"search\" id=\"metric-search\" placeholder=\"Search \(DisplayFormat.count(metrics.count, "metric"))\" autocomplete=\"off\">\n")
        html.raw("<div id=\"metric-list\">\n")
        for group in Self.groups(metrics) {
            if group.prefix.isEmpty {
                renderMetrics(&html, group.metrics)
                continue
            }
            html.raw("<details class=\"metric-group\"><summary>")
            html.text(group.prefix)
            html.raw(" <span class=\"hint\">\(group.metrics.count)</span></summary>\n")
            renderMetrics(&html, group.metrics)
            html.raw("</details>\n")
        }
        html.raw("</div>\n<fieldset><legend>Commits</legend>")
        html.raw("<label><input type=\"radio\" name=\"refs\" value=\"tracked\" checked> tracked refs</label>")
        html.raw("<label><input type=\"radio\" name=\"refs\" value=\"all\"> whole history</label></fieldset>\n")
        html.raw("<label><input type=\"checkbox\" id=\"normalise\"> normalise (each line ÷ its median)</label>\n")
        html.raw("<label><input type=\"checkbox\" id=\"log-scale\"> logarithmic scale</label>\n")
        html.raw("<label><input type=\"checkbox\" id=\"include-archive\"> include archived runs</label>\n")
        html.raw("<button type=\"button\" id=\"reset-zoom\">Reset zoom</button>\n")
        html.raw("<p class=\"hint\">Drag across the graph to zoom; double-click or Reset to see everything; click a point to open its commit.</p>\n")
        html.raw("</aside>\n")
    }

    private func renderMetrics(_ html: inout HTMLWriter, _ metrics: [MetricHeader]) {
        html.raw("<ul>\n")
        for metric in metrics {
            html.raw("<li><label><input type=\"checkbox\" name=\"m\" value=\"\(HTMLEscaping.escape(metric.name))\"> ")
            html.element("span", metric.name, attributes: "class=\"metric-name\"")
            if let unit = metric.unit {
                html.element("span", unit, attributes: "class=\"unit\"")
            }
            html.raw("</label></li>\n")
        }
        html.raw("</ul>\n")
    }

    /// Metrics grouped by their benchmark prefix (the name up to its first `/`), groups and
    /// metrics in name order; names without a prefix come first, in a group named "".
    static func groups(_ metrics: [MetricHeader]) -> [(prefix: String, metrics: [MetricHeader])] {
        var byPrefix: [String: [MetricHeader]] = [:]
        for metric in metrics {
            let prefix = metric.name.firstIndex(of: "/").map { String(metric.name[..<$0]) } ?? ""
            byPrefix[prefix, default: []].append(metric)
        }
        return byPrefix.keys.sorted().map { ($0, byPrefix[$0]!.sorted { $0.name < $1.name }) }
    }
}
