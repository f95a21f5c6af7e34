import GRDB
import Hummingbird
import HummingbirdTesting
import Testing
@testable import TablejohnKit

/// One answer per error, whichever route throws it.
@Suite("HTTP error answers")
struct HTTPErrorAnswerTests {
    static let cases: [(error: any Error & Sendable, status: HTTPResponse.Status, message: String)] = [
        (RevisionError.unknown("nope"), .notFound, RevisionError.unknown("nope").description),
        (PublicRevisionError(text: "HEAD~1", reason: "x"), .badRequest, PublicRevisionError(text: "HEAD~1", reason: "x").description),
        (RefError.unknown("refs/heads/x"), .notFound, "no ref named refs/heads/x"),
        (RunError.unknownRun("r1"), .notFound, "no run r1"),
        (RunFilterError.invalidTime(key: "since"), .badRequest, "since must be an RFC 3339 time or a date such as 2026-11-22"),
        (ArchiveParameter.Invalid(), .badRequest, "archive must be 0 or 1"),
        (ExternalRunError(message: "no measurements"), .badRequest, "no measurements"),
        (RunnerAPIError(kind: .conflict, message: "taken"), .conflict, "taken"),
        (RunnerAPIError(kind: .unprocessable, message: "odd"), .unprocessableContent, "odd"),
        (AdminError.notQueued(revision: "main", hash: "abc"), .conflict, "main is not in the queue"),
        (AdminError.tooManyCommits(revision: "a..b", limit: 10_000), .badRequest, "a..b names more than 10000 commits; narrow the range"),
        (AdminError.invalid(parameter: "priority", reason: "too high"), .badRequest, "too high"),
        (AdminError.archivedRun(id: "r1"), .notFound, "run r1 is in the archive"),
        (AdminError.noSync, .serviceUnavailable, "this server does not fetch"),
    ]

    @Test("domain errors map to their status and message")
    func mapping() {
        for (error, status, message) in Self.cases {
            let answer = HTTPErrorAnswer(error)
            #expect(answer?.status == status, "\(error)")
            #expect(answer?.message == message, "\(error)")
            #expect(answer?.retryAfterSeconds == nil)
        }
        struct Unknown: Error {}
        #expect(HTTPErrorAnswer(Unknown()) == nil)
    }

    @Test("storage trouble thrown by any route is 503 with Retry-After; an unknown error stays a 500")
    func storageTrouble() async throws {
        let router = Router(context: WebRequestContext.self)
        router.add(middleware: HTTPErrorAnswerMiddleware())
        router.get("/busy") { _, _ -> Response in throw DatabaseError(resultCode: .SQLITE_BUSY) }
        router.get("/full") { _, _ -> Response in throw DatabaseError(resultCode: .SQLITE_FULL) }
        router.get("/runner") { _, _ -> Response in throw RunnerAPIError(kind: .unavailable, message: "later") }
        router.get("/defect") { _, _ -> Response in throw DatabaseError(resultCode: .SQLITE_CONSTRAINT) }
        try await Application(router: router).test(.router) { client in
            for path in ["/busy", "/full", "/runner"] {
                let answer = try await client.execute(uri: path, method: .get)
                #expect(answer.status == .serviceUnavailable, "\(path)")
                #expect(answer.headers[.retryAfter] == "5", "\(path)")
            }
            #expect(try await client.execute(uri: "/defect", method: .get).status == .internalServerError)
        }
    }

    @Test("a form post words the same answer as a page: unknown names are the form's fault (400), typed names keep their spelling, storage trouble keeps Retry-After")
    func formAnswers() throws {
        let unknown = WebPageError(formAnswer: try #require(HTTPErrorAnswer(RevisionError.unknown("nope"))))
        #expect(unknown.status == .badRequest)
        #expect(unknown.message == "No ref or commit named nope.")
        // What the user typed keeps its spelling at the start of a sentence.
        let notQueued = WebPageError(formAnswer: try #require(HTTPErrorAnswer(AdminError.notQueued(revision: "main", hash: "abc"))),
                                     given: ["main", "token"])
        #expect(notQueued.status == .conflict)
        #expect(notQueued.message == "main is not in the queue.")
        let ambiguous = WebPageError(formAnswer: try #require(HTTPErrorAnswer(RevisionError.ambiguous("ab", candidates: ["ab1", "ab2"]))),
                                     given: ["ab"])
        #expect(ambiguous.message == "ab is ambiguous: it could be ab1, ab2.")
        let busy = WebPageError(formAnswer: try #require(HTTPErrorAnswer(DatabaseError(resultCode: .SQLITE_BUSY))))
        #expect(busy.status == .serviceUnavailable)
        #expect(busy.retryAfterSeconds == 5)
    }
}
