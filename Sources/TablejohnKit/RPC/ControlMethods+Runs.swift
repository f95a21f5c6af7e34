// runs.list, runs.get, runs.delete and runs.export.

extension ControlMethods {
    static let filterNames = RunFilter.parameterNames + ["include_archive"]

    func filter(_ params: RPCParams) throws -> RunFilter {
        var filter = try commands.resolver.runFilter { key in try params.string(key) }
        filter.includeArchive = try params.bool("include_archive") ?? false
        return filter
    }

    func runsList(_ params: RPCParams) throws -> JSONValue {
        let limit = Int(try params.int("limit", range: 1...Self.maximumPage) ?? 100)
        var cursor: RunCursor?
        if let token = try params.string("cursor") {
            guard let given = RunCursor(token: token) else { throw RPCError.invalidParams("\"cursor\" is not a cursor from runs.list") }
            cursor = given
        }
        let page = try commands.runs(try filter(params), limit: limit, after: cursor)
        return ["runs": .array(page.runs.map { run in
            ["id": .string(run.id), "commit": .string(run.commit), "bench_method": .string(run.benchMethod),
             "runner": JSONValue(run.runnerName), "start": .string(Timestamp.rfc3339(milliseconds: run.start)),
             "end": .string(Timestamp.rfc3339(milliseconds: run.end)), "exit_code": JSONValue(run.exitCode),
             "origin": .string(run.origin.rawValue), "measurements": JSONValue(run.measurementCount)]
        }), "next_cursor": page.next.map { .string($0.token) } ?? .null]
    }

    func runGet(_ params: RPCParams) throws -> JSONValue {
        let id = try params.requiredString("id")
        let found = try commands.run(id: id, includeArchive: try params.bool("include_archive") ?? false)
        guard found.archived, case .object(var object) = RunJSON.json(found.run, withOutput: true) else {
            return RunJSON.json(found.run, withOutput: true)
        }
        object["archived"] = true
        return .object(object)
    }

    func runDelete(_ params: RPCParams) throws -> JSONValue {
        let id = try params.requiredString("id")
        try commands.deleteRun(id: id)
        return ["deleted": .string(id)]
    }

    func export(_ params: RPCParams) throws -> RPCResult {
        if try params.bool("stream") == true { return try exportStream(params) }
        let format = try params.string("format") ?? "csv"
        let filter = try filter(params)
        let cursor = try params.string("cursor")
        switch format {
        case "csv":
            let limit = Int(try params.int("limit", range: 1...Self.maximumPage) ?? 50_000)
            var after: ExportCursor?
            if let cursor {
                guard let parsed = ExportCursor(token: cursor) else { throw RPCError.invalidParams("\"cursor\" is not a cursor from runs.export") }
                after = parsed
            }
            var bytes = Array((after == nil ? Store.csvHeader : "").utf8)
            let page = try store.exportCSV(filter, after: after, limit: limit, into: &bytes)
            return .value(["format": "csv", "rows": JSONValue(page.rows), "data": .string(String(decoding: bytes, as: UTF8.self)),
                           "next_cursor": JSONValue(page.next?.token)])
        case "json":
            let limit = Int(try params.int("limit", range: 1...10_000) ?? 1000)
            let page = try store.exportRuns(filter, afterRunID: cursor, limit: limit)
            return .value(["format": "json", "rows": JSONValue(page.runs.count),
                           "runs": .array(page.runs.map { RunJSON.json($0, withOutput: false) }), "next_cursor": JSONValue(page.next)])
        default:
            throw RPCError.invalidParams("\"format\" must be csv or json", data: ["parameter": "format"])
        }
    }

    /// `runs.export` with `"stream": true`: the whole CSV export as raw chunks after the
    /// reply, produced by several threads; no JSON escaping on either side.
    func exportStream(_ params: RPCParams) throws -> RPCResult {
        guard (try params.string("format") ?? "csv") == "csv" else {
            throw RPCError.invalidParams("\"stream\" is for the csv format", data: ["parameter": "stream"])
        }
        let filter = try filter(params)
        return .stream(["format": "csv", "stream": "chunked"], CSVExportStream(store: commands.exportStore, filter: filter))
    }
}
