// /run/<id>/: one run with its commit, runner, measurements and output log.
import Foundation

/// What `/run/<id>/` shows. Everything from the run (metric names, output, runner,
/// fingerprint) and from the commit is escaped.
struct RunPage {
    var run: Run
    var commit: CommitSummary?
    var viewer = Viewer.anonymous

    func render() -> String {
        var html = HTMLWriter()
        PageLayout.open(&html, title: "Run \(run.id) · tablejohn", viewer: viewer)
        html.raw("<h1>Run <code>")
        html.text(run.id)
        html.raw("</code></h1>\n")
        renderFacts(&html)
        renderMeasurements(&html)
        renderOutput(&html)
        PageLayout.close(&html)
        return html.output
    }

    private func renderFacts(_ html: inout HTMLWriter) {
        html.raw("<table class=\"facts\">\n<tr><th>Commit</th><td><code id=\"commit\" title=\"\(run.commit)\">\(run.commit.prefix(12))</code>")
        if let commit {
            html.raw(" ")
            html.text(commit.summary)
            html.raw(" <span class=\"hint\">by ")
            html.text(commit.authorName)
            html.raw(", ")
            html.text(DisplayFormat.date(seconds: commit.authorTime))
            html.raw("</span>")
        }
        html.raw("</td></tr>\n<tr><th>Result</th><td id=\"result\">")
        html.raw(run.exitCode == 0 ? "<span class=\"ok\">succeeded</span>" : "<span class=\"error\">failed, exit code \(run.exitCode)</span>")
        html.raw("</td></tr>\n<tr><th>Runner</th><td id=\"runner\">")
        html.text(run.runnerName ?? "—")
        html.raw(run.origin == .import ? " <span class=\"hint\">(imported)</span>" : "")
        html.raw("</td></tr>\n<tr><th>Bench method</th>")
        html.element("td", run.benchMethod)
        html.raw("</tr>\n<tr><th>Time</th><td>")
        html.text(DisplayFormat.date(seconds: run.start / 1000))
        html.raw(String(format: " <span class=\"hint\">(%.1f s)</span>", Double(run.end - run.start) / 1000))
        html.raw("</td></tr>\n")
        if case .object(let fingerprint)? = run.fingerprint {
            html.raw("<tr><th>Machine</th><td id=\"fingerprint\">")
            html.text(fingerprint.entries.map { "\($0.key): \($0.value.stringValue ?? ((try? $0.value.jsonString()) ?? ""))" }.joined(separator: " · "))
            html.raw("</td></tr>\n")
        }
        html.raw("</table>\n")
    }

    private func renderMeasurements(_ html: inout HTMLWriter) {
        html.raw("<h2>Measurements</h2>\n")
        guard !run.measurements.isEmpty else {
            html.raw("<p id=\"measurements\">No measurements.</p>\n")
            return
        }
        html.raw("<table id=\"measurements\">\n<thead><tr><th>Metric</th><th>Value</th><th>Unit</th><th>Range</th><th>Samples</th></tr></thead>\n<tbody>\n")
        for measurement in run.measurements {
            html.raw("<tr>")
            html.element("td", measurement.metric)
            html.element("td", Self.number(measurement.value), attributes: "class=\"number\"")
            html.element("td", measurement.unit ?? "")
            let range = [measurement.lower, measurement.upper].compactMap { $0 }.map(Self.number).joined(separator: " – ")
            html.element("td", range)
            html.element("td", measurement.samples.map { "\($0.count)" } ?? "", attributes: "class=\"number\"")
            html.raw("</tr>\n")
        }
        html.raw("</tbody>\n</table>\n")
    }

    /// The log, each line tagged with its stream: a class for colour and a label for
    /// readers without it.
    private func renderOutput(_ html: inout HTMLWriter) {
        html.raw("<h2>Output</h2>\n")
        guard !run.output.isEmpty else {
            html.raw("<p id=\"output\">No output.</p>\n")
            return
        }
        html.raw("<pre id=\"output\" class=\"log\">")
        for line in run.output {
            let label = switch line.source {
            case .stdout: "out"
            case .stderr: "err"
            case .internal: "tj "
            }
            html.raw("<span class=\"\(line.source.rawValue)\"><span class=\"source\">\(label)</span> ")
            html.text(line.text)
            html.raw("</span>\n")
        }
        html.raw("</pre>\n")
    }

    /// Up to 6 significant digits, without a trailing `.0` for whole numbers.
    static func number(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(format: "%.6g", value)
    }
}
