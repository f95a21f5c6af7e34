// GET /api/changes: the detected changes as JSON, the same list and fields as changes.list.
import Foundation
import Hummingbird

/// `GET /api/changes?state=&all=&kind=&tracked=&commit=&limit=`: a JSON array of
/// `PerformanceChange.json`, newest first. Defaults as changes.list: confirmed and
/// detected changes not yet acknowledged, at most 100. `commit` takes `PublicRevision`
/// syntax only; flags read `1`/`true` and `0`/`false`.
enum ChangesRoute {
    static let parameterNames = ["state", "all", "kind", "tracked", "commit", "limit"]

    static func response(_ request: Request, _ web: WebContext) throws -> Response {
        let query = request.uri.queryParameters
        if let (key, _) = query.first(where: { !parameterNames.contains(String($0.key)) }) {
            return .plainText(.badRequest, "unknown parameter \(key); use \(parameterNames.sorted().joined(separator: ", "))")
        }
        func flag(_ key: String) -> Bool?? {
            guard let text = query[Substring(key)] else { return .some(nil) }
            switch text {
            case "1", "true": return true
            case "0", "false": return false
            default: return nil
            }
        }
        var filter = ChangeFilter(includeAcked: false, limit: 100)
        if let state = query["state"].map(String.init) {
            guard filter.select(stateNamed: state) else {
                return .plainText(.badRequest, "state must be one of \(ChangeFilter.stateNames)")
            }
        }
        if let kind = query["kind"].map(String.init) {
            guard let known = ChangeKind(rawValue: kind) else {
                return .plainText(.badRequest, "kind must be one of \(ChangeKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            filter.kind = known
        }
        guard let all = flag("all"), let tracked = flag("tracked") else {
            return .plainText(.badRequest, "all and tracked must be 1, true, 0 or false")
        }
        filter.includeAcked = all ?? false
        filter.trackedRefsOnly = tracked ?? false
        if let limit = query["limit"] {
            guard let number = Int(limit), (1...ChangeFilter.maximumLimit).contains(number) else {
                return .plainText(.badRequest, "limit must be a number from 1 to \(ChangeFilter.maximumLimit)")
            }
            filter.limit = number
        }
        if let commit = query["commit"].map(String.init) {
            filter.commit = try web.resolver.commit(public: commit)  // refused or unknown: HTTPErrorAnswer's 400 or 404
        }
        let body = JSONValue.array(try web.store.changes(filter).map(\.json))
        return Response(status: .ok, headers: [.contentType: "application/json", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(bytes: try body.serialized())))
    }
}
