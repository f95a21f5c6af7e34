// Errors of form posts that answer with a page of their own: a title, a message and a status.
import Hummingbird

/// A refused or failed form post, rendered as a small page (`HTTPResponseError`), so
/// a route can throw it from anywhere and the browser shows what went wrong.
struct WebPageError: HTTPResponseError, Equatable {
    var status: HTTPResponse.Status
    var title: String
    var message: String
    /// A link offered under the message, such as the login page.
    var link: (href: String, text: String)?
    var viewer = Viewer.anonymous
    /// Seconds to wait before trying again (storage trouble), sent as `Retry-After`.
    var retryAfterSeconds: Int?

    init(status: HTTPResponse.Status, title: String, message: String, link: (href: String, text: String)? = nil) {
        self.status = status
        self.title = title
        self.message = message
        self.link = link
    }

    /// A form post's refusal as the one mapping (`HTTPErrorAnswer`) words it, as a sentence.
    /// A name the form gave that names nothing is the form's fault (400), not a missing page.
    /// The first letter is capitalised unless the message starts with what the user typed
    /// (`given`): "main is not in the queue" keeps its ref's spelling.
    init(formAnswer answer: HTTPErrorAnswer, given: [String] = []) {
        let status: HTTPResponse.Status = answer.status == .notFound ? .badRequest : answer.status
        let title = switch status {
        case .badRequest: "Cannot do that"
        case .conflict: "Not possible now"
        case .serviceUnavailable: "Try again"
        default: "Failed"
        }
        let quotesInput = given.contains { !$0.isEmpty && answer.message.hasPrefix($0) }
        let message = quotesInput ? answer.message : answer.message.prefix(1).uppercased() + answer.message.dropFirst()
        self.init(status: status, title: title, message: message + ".")
        retryAfterSeconds = answer.retryAfterSeconds
    }

    static func badRequest(_ message: String) -> WebPageError {
        WebPageError(status: .badRequest, title: "Cannot do that", message: message)
    }

    static let loginRequired = WebPageError(status: .forbidden, title: "Admins only",
                                            message: "Log in as an admin to do this.", link: ("/login", "Log in"))
    static let notAdmin = WebPageError(status: .forbidden, title: "Admins only",
                                       message: "Your account is not an admin; log in as an admin to do this.",
                                       link: ("/login", "Log in as someone else"))
    static let badCSRF = WebPageError(status: .forbidden, title: "Form expired",
                                      message: "This form is out of date or did not come from this site; reload the page and try again.")
    static let crossSite = WebPageError(status: .forbidden, title: "Refused",
                                        message: "Forms may only be sent from this site's own pages.")

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var html = HTMLWriter()
        PageLayout.open(&html, title: "\(title) · tablejohn", viewer: viewer)
        html.element("h1", title)
        html.element("p", message, attributes: "id=\"error-message\" class=\"error\"")
        if let link {
            html.raw("<p><a href=\"\(HTMLEscaping.escape(URLPath.href(link.href)))\">")
            html.text(link.text)
            html.raw("</a></p>\n")
        }
        PageLayout.close(&html)
        var response = try HTMLResponse(html.output, status: status).response(from: request, context: context)
        if let retryAfterSeconds { response.headers[.retryAfter] = String(retryAfterSeconds) }
        return response
    }

    static func == (lhs: WebPageError, rhs: WebPageError) -> Bool {
        lhs.status == rhs.status && lhs.title == rhs.title && lhs.message == rhs.message
    }
}
