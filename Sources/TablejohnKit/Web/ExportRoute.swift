// GET /api/export.csv: the same export as runs.export, streamed over HTTP page by page.
import Hummingbird

enum ExportRoute {
    static func response(_ request: Request, _ web: WebContext) throws -> Response {
        let query = request.uri.queryParameters
        let names = RunFilter.parameterNames + [ArchiveParameter.name]
        if let (key, _) = query.first(where: { !names.contains(String($0.key)) }) {
            return .plainText(.badRequest, "unknown parameter \(key); use \(names.sorted().joined(separator: ", "))")
        }
        // Bad times and unknown revisions are thrown and answered by HTTPErrorAnswer (400, 404).
        var filter = try web.resolver.runFilter(publicNames: true) { key in query[Substring(key)].map(String.init) }
        filter.includeArchive = try ArchiveParameter.included(query)
        guard let permit = web.exports.enter() else {
            var busy = Response.plainText(.serviceUnavailable, "\(web.exports.limit) exports are running, the most at once; "
                + "try again in \(ExportGate.retryAfterSeconds) seconds")
            busy.headers[.retryAfter] = "\(ExportGate.retryAfterSeconds)"
            return busy
        }
        let store = web.store
        let body = ResponseBody { [filter] writer in
            defer { withExtendedLifetime(permit) {} }
            let pages = CSVExportStream(store: store, filter: filter)
            defer { pages.cancel() }  // the client may leave mid-way
            while let page = try await pages.next() {
                try await writer.write(ByteBuffer(bytes: page))
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8",
                                               .contentDisposition: "attachment; filename=\"tablejohn-export.csv\""],
                        body: body)
    }
}
