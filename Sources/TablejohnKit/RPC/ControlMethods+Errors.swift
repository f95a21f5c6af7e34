// The one mapping from the library's errors to JSON-RPC errors (tjctl's exit codes follow the codes).

extension ControlMethods {
    /// The RPC error for `error`: domain errors get their code (not found, conflict,
    /// invalid params, …), storage trouble -32005 (try again), anything else -32603.
    static func translate(_ error: any Error) -> RPCError {
        switch error {
        case let error as RPCError: error
        case let error as AdminError:
            switch error {
            case .notQueued(let revision, let hash): .conflict("\(revision) (\(hash.prefix(10))) is not queued", data: ["hash": .string(hash)])
            case .tooManyCommits: .invalidParams(error.description)
            case .noSync, .syncFailed: .failed(error.description)
            case .archivedRun(let id): .notFound("run", id, hint: "it is in the archive; pass include_archive (tjctl: --include-archive)")
            case .invalid(let parameter, let reason): .invalidParams(reason, data: parameter.map { ["parameter": .string($0)] })
            }
        case let error as RevisionError:
            switch error {
            case .unknown(let name): .notFound("ref or commit", name)
            case .ambiguous(let name, let candidates): .ambiguous(name, candidates: candidates)
            case .notImported: .failed(error.description)
            }
        case RefError.unknown(let name): .notFound("ref", name)
        case RunFilterError.invalidTime(let key):
            .invalidParams("\"\(key)\" must be \(RunFilterError.timeFormat)", data: ["parameter": .string(key)])
        case let error as RunError:
            switch error {
            case .unknownRun(let id): .notFound("run", id)
            case .unknownCommit(let hash): .notFound("commit", hash)
            case .incompatibleUnit(let cause): .invalidParams("\(cause); nothing was stored", data: ["parameter": "files"])
            }
        case let error as RunnerError:
            switch error {
            case .invalidName: .invalidParams(error.description, data: ["parameter": "name"])
            case .exists: .conflict(error.description)
            case .unknown(let name): .notFound("runner", name)
            }
        case ChangeError.unknown(let id): .notFound("change", String(id))
        case let error as ComparisonError: .failed(error.description)
        case let error as UserError:
            switch error {
            case .invalidName: .invalidParams(error.description, data: ["parameter": "name"])
            case .invalidPassword: .invalidParams(error.description, data: ["parameter": "password"])
            case .exists: .conflict(error.description)
            case .unknown(let name): .notFound("user", name)
            }
        case let error as UserQueryError:
            switch error {
            case .timedOut: .failed(error.description)
            case .unavailable: .tryAgain(error.description)
            default: .invalidParams(error.description, data: ["parameter": "sql"])
            }
        case DatabaseArchiveError.busy: .conflict(DatabaseArchiveError.busy.description)
        case let error as DatabaseArchiveError: .failed(error.description)
        case let error as BackupError:
            switch error {
            case .exists: .conflict(error.description, data: ["parameter": "path"])
            case .failed: .failed(error.description)
            default: .invalidParams(error.description, data: ["parameter": "path"])
            }
        case let error where StorageTrouble.isTransient(error): .tryAgain(StorageTrouble.message(error))
        default: .internalError("\(error)")
        }
    }
}
