// runs.submit and runs.import: runs measured elsewhere, from result files or another instance's export.

extension ControlMethods {
    /// `runs.submit`: a run from result files produced elsewhere (origin `import`).
    func runSubmit(_ params: RPCParams) throws -> JSONValue {
        let commit = try params.requiredString("commit")
        guard let files = try params.strings("files") else {
            throw RPCError.invalidParams("\"files\" must be a non-empty array of result file contents", data: ["parameter": "files"])
        }
        let submission = try commands.submit(files: files, commit: commit, format: try params.choice("format", ResultFormat.self),
                                             runner: try params.string("runner"), fingerprint: try params.object("fingerprint"),
                                             paths: try params.strings("names"))
        return ["id": .string(submission.runID), "commit": .string(submission.commit),
                "formats": .array(submission.formats.map { .string($0.rawValue) }), "measurements": JSONValue(submission.measurements)]
    }

    /// `runs.import`: runs from another instance's JSON export; runs already here are skipped.
    func runImport(_ params: RPCParams) throws -> JSONValue {
        guard let given = params.value("runs") else { throw RPCError.invalidParams("\"runs\" is required", data: ["parameter": "runs"]) }
        let outcome = try commands.importRuns(given)
        return ["imported": JSONValue(outcome.imported), "skipped": JSONValue(outcome.skipped),
                "failed": .array(outcome.failed.map { ["id": .string($0.id), "error": .string($0.error)] })]
    }
}
