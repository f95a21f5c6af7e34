// /compare/BASE...HEAD/: reads the two public revisions and the page's options, then asks BranchComparer.
import Foundation
import Hummingbird

/// The branch comparison's route. Both names take `PublicRevision` syntax only; the
/// comparison may queue the merge base (when BASE is a tracked ref, or for an admin),
/// which is the one write this page makes.
struct BranchCompareRoute {
    var web: WebContext

    /// Whether `text` (what follows `/compare/`, decoded) names a branch comparison.
    static func isBranchComparison(_ text: String) -> Bool { text.contains("...") }

    /// `BASE...HEAD` split at its first `...`.
    static func names(_ text: String) -> (base: String, head: String) {
        let dots = text.range(of: "...")!
        return (String(text[..<dots.lowerBound]), String(text[dots.upperBound...]))
    }

    static func canonical(base: String, head: String) -> String {
        "/compare/\(URLPath.segment(base))...\(URLPath.segment(head))/"
    }

    func page(_ request: Request, spec: String, viewer: Viewer) async throws -> PageAnswer {
        let (base, head) = Self.names(spec)
        if let redirect = PageAnswer.canonical(request, Self.canonical(base: base, head: head)) { return redirect }
        let query = request.uri.queryParameters
        var rule = ComparisonVerdictRule()
        let thresholdText = query["threshold"].map(String.init)
        if let thresholdText {
            guard let threshold = Double(thresholdText), ComparisonVerdictRule.isValidThreshold(threshold) else {
                return .missing(NotFoundPage(what: "threshold", name: thresholdText, viewer: viewer,
                                             refusal: "a threshold is \(ComparisonVerdictRule.thresholdRule)"))
            }
            rule.thresholdPercent = threshold
        }
        let order = query["sort"].flatMap { BranchComparison.RowOrder(rawValue: String($0)) } ?? .verdict
        let comparison: BranchComparison
        let comparer = BranchComparer(store: web.store, resolver: web.resolver)
        let (mayQueue, ruleNow) = (viewer.isAdmin, rule)
        do {
            // libgit2's merge-base walk and the noise read block: off the cooperative pool.
            comparison = try await GitWorkers.run {
                try comparer.compare(publicBase: base, publicHead: head, rule: ruleNow, mayQueue: mayQueue, now: Timestamp.now())
            }
        } catch let error as PublicRevisionError {
            return .refused("revision", error, viewer: viewer)
        } catch let error as RevisionError {
            switch error {
            case .unknown(let name): return .notFound("commit or ref", name, viewer: viewer)
            case .ambiguous(let name, _), .notImported(let name, _):
                return .notFound("single imported commit", name, note: error.description, viewer: viewer)
            }
        } catch let error as ComparisonError {
            return .notFound("merge base of", "\(base) and \(head)", note: error.description, viewer: viewer)
        }
        return .page(BranchComparePage(comparison: comparison, baseSummary: try web.store.commitSummary(comparison.baseCommit),
                                       headSummary: try web.store.commitSummary(comparison.headCommit),
                                       mergeBaseSummary: try web.store.commitSummary(comparison.mergeBase),
                                       order: order, thresholdQuery: thresholdText, viewer: viewer).render())
    }
}
