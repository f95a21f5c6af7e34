// What a page route answers: the page, a redirect to the canonical address, or a page saying what was not found.
import Foundation
import Hummingbird

/// The answer of a page route, turned into a response in one place so every page
/// redirects and reports missing things the same way.
enum PageAnswer {
    /// A rendered page.
    case page(String)
    /// The page lives at `location`: permanently (the same thing under its canonical
    /// address) or for now (a ref or an abbreviation whose meaning can change).
    case redirect(String, permanent: Bool)
    /// Nothing by that name, or several things: the page says which.
    case missing(NotFoundPage)

    /// The not-found page for a `what` (trusted: "run", "commit") named `name`.
    static func notFound(_ what: String, _ name: String, note: String? = nil, viewer: Viewer) -> PageAnswer {
        .missing(NotFoundPage(what: what, name: name, note: note, viewer: viewer))
    }

    /// The 400 page for a `what` named in syntax public pages do not accept.
    static func refused(_ what: String, _ error: PublicRevisionError, viewer: Viewer) -> PageAnswer {
        .missing(NotFoundPage(what: what, name: error.text, viewer: viewer, refusal: error.description))
    }

    /// A redirect to `canonical` when the request used another spelling of the address
    /// (no trailing slash, other percent-encoding), keeping the query; nil when the
    /// request is at the canonical address.
    static func canonical(_ request: Request, _ canonical: String) -> PageAnswer? {
        guard request.uri.path != canonical else { return nil }
        let query = request.uri.query.map { $0.isEmpty ? "" : "?" + $0 } ?? ""
        return .redirect(canonical + query, permanent: true)
    }

    var response: Response {
        switch self {
        case .page(let html):
            return Self.html(html, status: .ok)
        case .redirect(let location, let permanent):
            return Response(status: permanent ? .movedPermanently : .found,
                            headers: [.location: location, .contentType: "text/plain; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: "See \(location)\n")))
        case .missing(let page):
            let status: HTTPResponse.Status = page.refusal != nil ? .badRequest : page.isAmbiguous ? .multipleChoices : .notFound
            return Self.html(page.render(), status: status)
        }
    }

    private static func html(_ html: String, status: HTTPResponse.Status) -> Response {
        Response(status: status, headers: [.contentType: "text/html; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}

extension Parameters {
    /// The path parameter `name`, percent-decoded: the router hands out the raw segment.
    func decoded(_ name: String) -> String {
        let raw = get(name) ?? ""
        return raw.removingPercentEncoding ?? raw
    }
}
