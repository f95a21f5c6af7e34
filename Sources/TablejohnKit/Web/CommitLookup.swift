// /commit/<rev>/: resolves what the address names (a full or short hash, a ref, bounded ~N/^N steps) and loads the page.
import Foundation
import Hummingbird

/// The commit page's route. Only `/commit/<40 hex digits>/` is a page; refs and
/// abbreviations redirect to it for now (their meaning can change), other spellings
/// of the canonical address redirect for good.
struct CommitLookup {
    var web: WebContext

    func page(_ request: Request, viewer: Viewer) throws -> PageAnswer {
        let revision = Self.revision(inPath: request.uri.path)
        let hash: String
        do {
            hash = CommitHash.isCanonical(revision) ? revision : try web.resolver.commit(public: revision)
        } catch let error as PublicRevisionError {
            return .refused("commit", error, viewer: viewer)
        } catch let error as RevisionError {
            return try failure(error, revision: revision, viewer: viewer)
        }
        if PageAnswer.canonical(request, URLPath.commit(hash)) != nil {
            return .redirect(URLPath.commit(hash), permanent: revision == hash)
        }
        guard let commit = try web.store.commitDetails(hash) else { return .notFound("commit", revision, viewer: viewer) }
        let archive = try ArchiveParameter.included(request.uri.queryParameters)  // anything but 0 or 1: 400
        let values = try web.store.runValues(commit: hash, includeArchive: archive)
        let parentValues = try commit.parents.first.map { try web.store.runValues(commit: $0.hash, includeArchive: archive) } ?? []
        let metrics = (values + parentValues).flatMap(\.values.keys)
        return .page(CommitPage(commit: commit, runs: try web.store.runs(Self.filter(commitID: commit.id, includeArchive: archive), limit: CommitPage.runLimit),
                                values: values, parentValues: parentValues, readings: try web.store.metricReadings(metrics),
                                changes: try web.store.changes(ChangeFilter(states: ChangeState.allCases, commit: hash)),
                                viewer: viewer).render())
    }

    /// What follows `/commit/`, without the trailing slash, percent-decoded: ref names
    /// may span several segments (`refs/heads/main`).
    static func revision(inPath path: String) -> String {
        var raw = Substring(path.dropFirst("/commit/".count))
        while raw.hasSuffix("/") { raw = raw.dropLast() }
        return raw.removingPercentEncoding ?? String(raw)
    }

    /// The page for a name that resolves to no commit, or to several.
    private func failure(_ error: RevisionError, revision: String, viewer: Viewer) throws -> PageAnswer {
        switch error {
        case .unknown:
            return .notFound("commit or ref", revision, viewer: viewer)
        case .notImported(_, let hash):
            return .notFound("imported commit", revision,
                             note: "It names commit \(hash) of the repository, which is not imported yet.", viewer: viewer)
        case .ambiguous(_, let names):
            let candidates = try names.map { name in
                if CommitHash.isCanonical(name) {
                    return NotFoundPage.Candidate(href: URLPath.commit(name), label: name,
                                                  summary: try web.store.commitSummary(name)?.summary ?? "")
                }
                let path = name.split(separator: "/").map { URLPath.segment(String($0)) }.joined(separator: "/")
                return NotFoundPage.Candidate(href: "/commit/\(path)/", label: name, summary: "")
            }
            return .missing(NotFoundPage(what: "commit", name: revision, candidates: candidates, viewer: viewer))
        }
    }

    private static func filter(commitID: Int64, includeArchive: Bool) -> RunFilter {
        var filter = RunFilter(commitID: commitID)
        filter.includeArchive = includeArchive
        return filter
    }
}
