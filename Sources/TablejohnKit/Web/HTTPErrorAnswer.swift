// The one mapping from the library's errors to HTTP answers, and the middleware that applies it.
import Hummingbird

/// How an error thrown by a route reads over HTTP: its status, its one-line message, and
/// for storage trouble (a busy or full database) the seconds to wait before retrying.
/// Routes throw; this decides, so the same error gets the same status everywhere.
/// (JSON-RPC has its own mapping, `ControlMethods.translate`; tjctl's exit codes follow it.
/// Form posts word the same answer as a page, `WebPageError(formAnswer:)`.)
struct HTTPErrorAnswer: Equatable {
    var status: HTTPResponse.Status
    var message: String
    var retryAfterSeconds: Int?

    /// The answer for `error`, or nil for an error the library does not know (a defect: 500).
    init?(_ error: any Error) {
        switch error {
        case let error where StorageTrouble.isTransient(error):
            self.init(status: .serviceUnavailable, message: StorageTrouble.message(error), retryAfterSeconds: StorageTrouble.retryAfterSeconds)
        case let error as AdminError:
            switch error {
            case .notQueued: self.init(status: .conflict, message: error.description)
            case .tooManyCommits, .invalid: self.init(status: .badRequest, message: error.description)
            case .archivedRun: self.init(status: .notFound, message: error.description)
            case .noSync: self.init(status: .serviceUnavailable, message: error.description)
            case .syncFailed: self.init(status: .internalServerError, message: error.description)
            }
        case let error as PublicRevisionError: self.init(status: .badRequest, message: error.description)
        case let error as RevisionError: self.init(status: .notFound, message: error.description)
        case let error as RefError: self.init(status: .notFound, message: error.description)
        case let error as RunError:
            switch error {
            case .unknownRun, .unknownCommit: self.init(status: .notFound, message: error.description)
            case .incompatibleUnit(let cause): self.init(status: .badRequest, message: "\(cause); nothing was stored")
            }
        case RunFilterError.invalidTime(let key): self.init(status: .badRequest, message: "\(key) must be \(RunFilterError.timeFormat)")
        case let error as ArchiveParameter.Invalid: self.init(status: .badRequest, message: error.message)
        case let error as ExternalRunError: self.init(status: .badRequest, message: error.message)
        case let error as RunnerAPIError:
            switch error.kind {
            case .badRequest: self.init(status: .badRequest, message: error.message)
            case .forbidden: self.init(status: .forbidden, message: error.message)
            case .conflict: self.init(status: .conflict, message: error.message)
            case .notFound: self.init(status: .notFound, message: error.message)
            case .unprocessable: self.init(status: .unprocessableContent, message: error.message)
            case .unavailable:
                self.init(status: .serviceUnavailable, message: error.message, retryAfterSeconds: StorageTrouble.retryAfterSeconds)
            }
        default: return nil
        }
    }

    init(status: HTTPResponse.Status, message: String, retryAfterSeconds: Int? = nil) {
        self.status = status
        self.message = message
        self.retryAfterSeconds = retryAfterSeconds
    }

    /// The answer as plain text, with `Retry-After` when there is a wait.
    var response: Response {
        var response = Response.plainText(status, message)
        if let retryAfterSeconds { response.headers[.retryAfter] = String(retryAfterSeconds) }
        return response
    }
}

/// Answers every error a route throws that `HTTPErrorAnswer` knows, on every route: pages
/// and the API alike get 503 with `Retry-After` while the database is busy or full, never a 500.
struct HTTPErrorAnswerMiddleware: RouterMiddleware {
    typealias Context = WebRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as any HTTPResponseError {
            throw error
        } catch {
            guard let answer = HTTPErrorAnswer(error) else { throw error }
            return answer.response
        }
    }
}
