// The frame every page shares: document head, stylesheet, the top bar with who is logged in, closing tags.
enum PageLayout {
    /// Opens the document and `<main>`. `scripts` and `styles` are trusted addresses.
    static func open(_ html: inout HTMLWriter, title: String, viewer: Viewer, scripts: [String] = [], styles: [String] = []) {
        html.raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        html.raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>")
        html.text(title)
        html.raw("</title>\n<link rel=\"icon\" type=\"image/svg+xml\" href=\"\(StaticAssets.url("favicon.svg"))\">\n")
        for style in [StaticAssets.url("style.css")] + styles {
            html.raw("<link rel=\"stylesheet\" href=\"\(style)\">\n")
        }
        for script in scripts {
            html.raw("<script src=\"\(script)\" defer></script>\n")
        }
        // Scripts read `[web] base-path` from here (CSP allows no inline script); none: none.
        let base = URLPath.href("")
        html.raw("</head>\n<body\(base.isEmpty ? "" : " data-base=\"\(base)\"")>\n<header class=\"top\"><a class=\"brand\" href=\"\(URLPath.href("/"))\">tablejohn</a>")
        html.raw("<a href=\"\(URLPath.href("/graph/"))\">Graph</a><a href=\"\(URLPath.href("/queue/"))\">Queue</a><span class=\"who\">")
        if let user = viewer.user {
            html.element("span", user, attributes: "id=\"viewer\"")
            html.raw("<form method=\"post\" action=\"\(URLPath.href("/logout"))\">\(viewer.csrfField)<button type=\"submit\">Log out</button></form>")
        } else {
            html.raw("<a id=\"login-link\" href=\"\(URLPath.href("/login"))\">Log in</a>")
        }
        html.raw("</span></header>\n<main>\n")
    }

    static func close(_ html: inout HTMLWriter) {
        html.raw("</main>\n</body>\n</html>\n")
    }
}

extension Viewer {
    /// The hidden form field every form of a logged-in user carries; empty without a session.
    var csrfField: String {
        guard let csrfToken else { return "" }
        return "<input type=\"hidden\" name=\"csrf\" value=\"\(HTMLEscaping.escape(csrfToken))\">"
    }
}
