// The page for a name that leads nowhere: says what kind of thing was looked up and under which name.
/// A page saying what was looked up and not found, or found several times over.
struct NotFoundPage {
    var what: String
    var name: String
    /// A sentence of our own explaining more (trusted text, escaped anyway).
    var note: String?
    /// What the name could mean, when it is ambiguous (an abbreviated hash, a short ref name).
    var candidates: [Candidate] = []
    var viewer = Viewer.anonymous
    /// Why the name was refused unread (syntax a public page does not accept), making
    /// this a 400 page rather than a not-found one.
    var refusal: String?

    var isAmbiguous: Bool { !candidates.isEmpty }

    /// One meaning of an ambiguous name: a link, its label (a hash or ref name) and a summary.
    struct Candidate {
        var href: String
        var label: String
        var summary: String
    }

    func render() -> String {
        var html = HTMLWriter()
        let title = refusal != nil ? "Not accepted" : isAmbiguous ? "Ambiguous" : "Not found"
        PageLayout.open(&html, title: title + " · tablejohn", viewer: viewer)
        if let refusal {
            html.raw("<h1>Not accepted</h1>\n<p id=\"not-accepted\"><code>")
            html.text(name)
            html.raw("</code> is not accepted as a \(what) name: ")
            html.text(refusal)
            html.raw(".</p>\n")
        } else if isAmbiguous {
            html.raw("<h1>Ambiguous</h1>\n<p id=\"not-found\"><code>")
            html.text(name)
            html.raw("</code> could mean any of these:</p>\n<ul class=\"candidates\">\n")
            for candidate in candidates {
                html.raw("<li><a href=\"\(HTMLEscaping.escape(URLPath.href(candidate.href)))\"><code>")
                html.text(candidate.label)
                html.raw("</code></a> ")
                html.text(candidate.summary)
                html.raw("</li>\n")
            }
            html.raw("</ul>\n")
        } else {
            html.raw("<h1>Not found</h1>\n<p id=\"not-found\">No \(what) named <code>")
            html.text(name)
            html.raw("</code>.</p>\n")
        }
        if let note {
            html.element("p", note, attributes: "class=\"hint\"")
        }
        PageLayout.close(&html)
        return html.output
    }
}
