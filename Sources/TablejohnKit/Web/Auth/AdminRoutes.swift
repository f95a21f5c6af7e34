// The admin actions of the web pages: track/untrack, queue changes and fetch, as CSRF-checked form posts.
import Foundation
import Hummingbird

/// Each action is a `POST` of an urlencoded form with `csrf` (the session's token) and
/// `back` (a local path to return to, default "/"). It needs an admin session (403
/// otherwise), calls the same admin action as the control socket (`AdminCommands`),
/// and answers 303 to `back`; bad input answers 400 (a refusal the action names, such as
/// "not queued", its own status) with a page saying why.
enum AdminRoutes {
    static func add(to router: some RouterMethods<WebRequestContext>, _ web: WebContext) {
        for (path, tracked) in [("/admin/track", true), ("/admin/untrack", false)] {
            router.post(RouterPath(path)) { request, context in
                try await perform(request, context) { form in try web.commands.setTracked(try form.required("ref"), tracked) }
            }
        }
        router.post("/admin/queue/add") { request, context in
            try await perform(request, context) { form in
                _ = try web.commands.enqueue(try form.required("commit"), priority: try priorityField(form, required: false))
            }
        }
        router.post("/admin/queue/remove") { request, context in
            try await perform(request, context) { form in try web.commands.dequeue(try form.required("commit")) }
        }
        router.post("/admin/queue/priority") { request, context in
            try await perform(request, context) { form in
                let revision = try form.required("commit")
                try web.commands.prioritize(revision, priority: try priorityField(form, required: true))
            }
        }
        router.post("/admin/fetch") { request, context in
            // The same round as the control socket's repo.fetch, awaited the same way.
            try await perform(request, context) { _ in _ = try await web.commands.fetch() }
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
            } catch let error as any HTTPResponseError {
                throw error
            } catch {
                // The one mapping (HTTPErrorAnswer) decides; a form names no page, so its unknown names are 400.
                guard let answer = HTTPErrorAnswer(error) else { throw error }
                throw WebPageError(formAnswer: answer, given: form.allValues)
            }
            return .seeOther(LocalPath.sanitized(form["back"]))
        }
    }

    /// The `priority` field: a whole number (its range is `AdminCommands`' rule); 0 when optional and absent.
    private static func priorityField(_ form: FormFields, required: Bool) throws(AdminError) -> Int {
        let text = form["priority"]?.trimmingCharacters(in: .whitespaces) ?? ""
        if text.isEmpty && !required { return 0 }
        guard let value = Int(text) else { throw AdminCommands.priorityError }
        return value
    }
}
