// An output log: each line tagged with its stream (stdout, stderr, internal); used by the run and queue pages.

/// Renders output lines in a `pre`, each line with a class for colour and a label for
/// readers without it. `Assets/queue.js` builds the same markup for live output.
struct OutputLog {
    var lines: [(source: OutputSource, text: String)]
    /// Trusted id attribute of the log.
    var id: String?
    /// Extra trusted attributes, e.g. the runner a live log belongs to.
    var attributes = ""
    /// What to say when there are no lines; nil keeps an empty log (a live log fills in).
    var empty: String? = "No output."

    static func label(_ source: OutputSource) -> String {
        switch source {
        case .stdout: "out"
        case .stderr: "err"
        case .internal: "tj "
        }
    }

    func render(_ html: inout HTMLWriter) {
        let id = self.id.map { " id=\"\($0)\"" } ?? ""
        let extra = attributes.isEmpty ? "" : " " + attributes
        if lines.isEmpty, let empty {
            html.raw("<p\(id) class=\"log-empty\"\(extra)>\(empty)</p>\n")
            return
        }
        html.raw("<pre\(id) class=\"log\"\(extra)>")
        for line in lines {
            html.raw("<span class=\"\(line.source.rawValue)\"><span class=\"source\">\(Self.label(line.source))</span> ")
            html.text(line.text)
            html.raw("</span>\n")
        }
        html.raw("</pre>\n")
    }
}
