// GET /api/export.csv: the same export as runs.export, streamed over HTTP page by page.
import Hummingbird

enum ExportRoute {
    /// Rows per page read from the database; each page is written before the next is read.
    static let pageRows = 20_000

    private static func plainText(_ status: HTTPResponse.Status, _ message: String) -> Response {
        Response(status: status, headers: [.contentType: "text/plain; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(string: message + "\n")))
    }

    static func response(_ request: Request, _ web: WebContext) throws -> Response {
        let query = request.uri.queryParameters
        let filter: RunFilter
        do {
            if let (key, _) = query.first(where: { !RunFilter.parameterNames.contains(String($0.key)) }) {
                return plainText(.badRequest, "unknown parameter \(key); use \(RunFilter.parameterNames.sorted().joined(separator: ", "))")
            }
            filter = try web.resolver.runFilter { key in query[Substring(key)].map(String.init) }
        } catch RunFilterError.invalidTime(let key) {
            return plainText(.badRequest, "\(key) must be \(RunFilterError.timeFormat)")
        } catch let error as RevisionError {
            return plainText(.notFound, error.description)
        } catch let error as RunError {
            return plainText(.notFound, error.description)
        }
        let store = web.store
        let body = ResponseBody { writer in
            var cursor: ExportCursor?
            var bytes = Array(Store.csvHeader.utf8)
            repeat {
                let page = try store.exportCSV(filter, after: cursor, limit: pageRows, into: &bytes)
                try await writer.write(ByteBuffer(bytes: bytes))
                bytes.removeAll(keepingCapacity: true)
                cursor = page.next
            } while cursor != nil
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8",
                                               .contentDisposition: "attachment; filename=\"tablejohn-export.csv\""],
                        body: body)
    }
}
