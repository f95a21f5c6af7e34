// The login form: name, password, the pre-session CSRF token and where to go afterwards.
/// What `/login` shows.
struct LoginPage {
    /// The local path to return to after logging in.
    var next: String
    /// The value of the login cookie, repeated in the form (a double-submit token).
    var loginToken: String
    /// The name typed last time, shown again after a failure.
    var name = ""
    var error: String?
    var viewer = Viewer.anonymous

    func render() -> String {
        var html = HTMLWriter()
        PageLayout.open(&html, title: "Log in · tablejohn", viewer: viewer)
        html.raw("<h1>Log in</h1>\n")
        if let user = viewer.user {
            html.raw("<p id=\"logged-in-as\">You are logged in as ")
            html.element("strong", user)
            html.raw(".</p>\n")
        }
        if let error {
            html.element("p", error, attributes: "id=\"login-error\" class=\"error\"")
            html.raw("\n")
        }
        html.raw("<form id=\"login\" method=\"post\" action=\"\(URLPath.href("/login"))\">\n")
        html.raw("<input type=\"hidden\" name=\"csrf\" value=\"\(HTMLEscaping.escape(loginToken))\">\n")
        html.raw("<input type=\"hidden\" name=\"next\" value=\"\(HTMLEscaping.escape(next))\">\n")
        html.raw("<p><label>Name <input name=\"user\" autocomplete=\"username\" required autofocus value=\"\(HTMLEscaping.escape(name))\"></label></p>\n")
        html.raw("<p><label>Password <input name=\"password\" type=\"password\" autocomplete=\"current-password\" required></label></p>\n")
        html.raw("<p><button type=\"submit\">Log in</button></p>\n</form>\n")
        PageLayout.close(&html)
        return html.output
    }
}
