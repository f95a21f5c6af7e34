// The admin actions of the web pages: track/untrack, queue changes and fetch, as CSRF-checked form posts.
import Foundation
import Hummingbird

/// Each action is a `POST` of an urlencoded form with `csrf` (the session's token) and
/// `back` (a local path to return to, default "/"). It needs an admin session (403
/// otherwise), changes the store through the same methods as the control socket,
/// and answers 303 to `back`; bad input answers 400 with a page saying why.
enum AdminRoutes {
    static func add(to router: some RouterMethods<WebRequestContext>, _ web: WebContext) {
        for (path, tracked) in [("/admin/track", true), ("/admin/untrack", false)] {
            router.post(RouterPath(path)) { request, context in
                try await perform(request, context) { form in
                    let ref = try web.resolver.ref(try form.required("ref"))
                    try web.store.setTracked(ref.name, tracked)
                }
            }
        }
        router.post("/admin/queue/add") { request, context in
            try await perform(request, context) { form in
                let hash = try web.resolver.commit(try form.required("commit"))
                let priority = try priorityField(form, required: false)
                _ = try web.store.enqueue([hash], priority: priority, now: Timestamp.now())
            }
        }
        router.post("/admin/queue/remove") { request, context in
            try await perform(request, context) { form in
                let revision = try form.required("commit")
                let hash = try web.resolver.commit(revision)
                guard try web.store.dequeue(hash) else { throw notQueued(revision) }
            }
        }
        router.post("/admin/queue/priority") { request, context in
            try await perform(request, context) { form in
                let revision = try form.required("commit")
                let priority = try priorityField(form, required: true)
                let hash = try web.resolver.commit(revision)
                guard try web.store.prioritize(hash, priority: priority) else { throw notQueued(revision) }
            }
        }
        router.post("/admin/fetch") { request, context in
            try await perform(request, context) { _ in
                // The same round as the control socket's repo.fetch, awaited the same way.
                guard let sync = web.syncService else {
                    throw WebPageError(status: .serviceUnavailable, title: "No sync loop", message: "This server does not fetch.")
                }
                guard await sync.runRound() != nil else {
                    throw WebPageError(status: .internalServerError, title: "Fetch failed",
                                       message: "The fetch failed: \(sync.status.snapshot.lastError ?? "interrupted").")
                }
            }
        }
    }

    /// Reads the form and checks its CSRF token (after the `admin` policy checked the site,
    /// the session and admin rights; each refusal changes nothing), runs `action`, and
    /// redirects to `back`.
    static func perform(_ request: Request, _ context: WebRequestContext,
                        _ action: (FormFields) async throws -> Void) async throws -> Response {
        try await AuthRoutes.refusingCrossSite(request, context) {
            let form = try await FormFields.read(request)
            guard AuthRoutes.tokensMatch(form["csrf"], context.viewer.csrfToken) else { throw WebPageError.badCSRF }
            do {
                try await action(form)
            } catch let error as RevisionError {
                throw WebPageError.badRequest(Self.sentence(error.description))
            } catch let error as RefError {
                throw WebPageError.badRequest(Self.sentence(error.description))
            } catch let error as RunError {
                throw WebPageError.badRequest(Self.sentence(error.description))
            }
            return .seeOther(LocalPath.sanitized(form["back"]))
        }
    }

    /// The `priority` field: a whole number in `Store.queuePriorities`; 0 when optional and absent.
    private static func priorityField(_ form: FormFields, required: Bool) throws(WebPageError) -> Int {
        let range = Store.queuePriorities
        let text = form["priority"]?.trimmingCharacters(in: .whitespaces) ?? ""
        if text.isEmpty && !required { return 0 }
        guard let value = Int64(text), range.contains(value) else {
            throw WebPageError.badRequest("The priority must be a whole number from \(range.lowerBound) to \(range.upperBound).")
        }
        return Int(value)
    }

    private static func notQueued(_ revision: String) -> WebPageError {
        WebPageError(status: .conflict, title: "Not queued", message: "\(revision) is not in the queue.")
    }

    /// "no ref named x" → "No ref named x."
    private static func sentence(_ text: String) -> String {
        text.prefix(1).uppercased() + text.dropFirst() + "."
    }
}
