// GET /api/export.csv: the same export as runs.export, streamed over HTTP page by page.
import Hummingbird

enum ExportRoute {
    static func response(_ request: Request, _ web: WebContext) throws -> Response {
        let query = request.uri.queryParameters
        var filter: RunFilter
        let names = RunFilter.parameterNames + [ArchiveParameter.name]
        do {
            if let (key, _) = query.first(where: { !names.contains(String($0.key)) }) {
                return .plainText(.badRequest, "unknown parameter \(key); use \(names.sorted().joined(separator: ", "))")
            }
            filter = try web.resolver.runFilter(publicNames: true) { key in query[Substring(key)].map(String.init) }
            filter.includeArchive = try ArchiveParameter.included(query)
        } catch let error as ArchiveParameter.Invalid {
            return .plainText(.badRequest, error.message)
        } catch RunFilterError.invalidTime(let key) {
            return .plainText(.badRequest, "\(key) must be \(RunFilterError.timeFormat)")
        } catch let error as PublicRevisionError {
            return .plainText(.badRequest, error.description)
        } catch let error as RevisionError {
            return .plainText(.notFound, error.description)
        } catch let error as RunError {
            return .plainText(.notFound, error.description)
        }
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
