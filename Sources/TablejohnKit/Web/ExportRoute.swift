// GET /api/export.csv: the same export as runs.export, streamed over HTTP page by page.
import Hummingbird

enum ExportRoute {
    /// Rows per page read from the database; each page is written before the next is read.
    static let pageRows = 20_000

    static func response(_ request: Request, _ web: WebContext) throws -> Response {
        let filter: RunFilter
        do {
            filter = try RunFilterQuery.filter(request.uri.queryParameters, resolver: web.resolver)
        } catch let error as RunFilterQuery.QueryError {
            return Response(status: .badRequest, headers: [.contentType: "text/plain; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: error.message + "\n")))
        } catch let error as RevisionError {
            return Response(status: .notFound, headers: [.contentType: "text/plain; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: error.description + "\n")))
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

/// Reads export filters from URL query parameters.
enum RunFilterQuery {
    struct QueryError: Error { var message: String }

    static let names: Set<String> = ["commit", "ref", "metric", "runner", "since", "until"]

    static func filter(_ query: Parameters, resolver: RevisionResolver) throws -> RunFilter {
        var filter = RunFilter()
        for (key, _) in query where !names.contains(String(key)) {
            throw QueryError(message: "unknown parameter \(key); use \(names.sorted().joined(separator: ", "))")
        }
        if let commit = query["commit"] { filter.commitID = try resolver.store.commitID(of: try resolver.commit(String(commit))) }
        if let ref = query["ref"] { filter.refCommitID = try resolver.store.commitID(of: try resolver.commit(String(ref))) }
        filter.metric = query["metric"].map(String.init)
        filter.runner = query["runner"].map(String.init)
        for key: Substring in ["since", "until"] {
            guard let text = query[key] else { continue }
            guard let time = Timestamp.parse(String(text)) else {
                throw QueryError(message: "\(key) must be an RFC 3339 time or a date such as 2026-11-22")
            }
            if key == "since" { filter.since = time } else { filter.until = time }
        }
        return filter
    }
}
