// The 404 page: says what kind of thing was looked up and under which name.
/// A page saying what was looked up and not found.
struct NotFoundPage {
    var what: String
    var name: String
    var viewer = Viewer.anonymous

    func render() -> String {
        var html = HTMLWriter()
        PageLayout.open(&html, title: "Not found · tablejohn", viewer: viewer)
        html.raw("<h1>Not found</h1>\n<p id=\"not-found\">No \(what) named <code>")
        html.text(name)
        html.raw("</code>.</p>\n")
        PageLayout.close(&html)
        return html.output
    }
}
