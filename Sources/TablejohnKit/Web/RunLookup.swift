// /run/<rev>/ and /compare/<rev>/<rev>/: names that are not run ids resolve to a commit's newest run and redirect.
import Foundation

/// Turns what a run address names into a run: a run id as it is, else a public revision
/// (ref, branch, tag, hash prefix, bounded ~N/^N) resolved to its commit's newest run.
/// Redirects to run-id pages are temporary (302): a ref's runs change.
struct RunLookup {
    var web: WebContext

    /// What one name leads to.
    enum Target {
        case run(id: String, machine: Machine)
        /// A commit the name resolves to, with its newest runs (newest first, at most `candidateLimit`).
        case commit(hash: String, runs: [(id: String, machine: Machine)])
        /// Neither a run id nor a revision of an imported commit.
        case nothing
    }

    /// How many of a commit's runs a comparison looks through for one on the same machine.
    static let candidateLimit = 50

    func target(_ name: String) throws -> Target {
        if let run = try web.store.machines(ofRuns: [name])[name] { return .run(id: name, machine: run) }
        guard let revision = try? PublicRevision.parse(name), let hash = try? web.resolver.commit(revision) else { return .nothing }
        let runs = try web.store.runs(RunFilter(commitID: try web.store.commitID(of: hash)), limit: Self.candidateLimit)
        let machines = try web.store.machines(ofRuns: runs.map(\.id))
        return .commit(hash: hash, runs: runs.compactMap { run in machines[run.id].map { (run.id, $0) } })
    }

    /// `/run/<name>/` for a name that is no run id.
    func run(_ name: String, viewer: Viewer) throws -> PageAnswer {
        switch try target(name) {
        case .run(let id, _):
            return .redirect(URLPath.run(id), permanent: true)
        case .commit(let hash, let runs):
            guard let newest = runs.first else {
                return .notFound("run of commit", name, note: "\(name) is commit \(hash), which has no runs yet.", viewer: viewer)
            }
            return .redirect(URLPath.run(newest.id), permanent: false)
        case .nothing:
            return .notFound("run", name, viewer: viewer)
        }
    }

    /// `/compare/<base>/<other>/` where a name is no run id: the other side's newest run,
    /// and the base's newest run on the same machine (else its newest).
    func compare(_ names: (String, String), viewer: Viewer) throws -> PageAnswer? {
        let targets = (try target(names.0), try target(names.1))
        if case .run = targets.0, case .run = targets.1 { return nil }
        // Names leading nowhere, or to a commit without runs: the page names them all.
        var notFound: [String] = []
        var notes: [String] = []
        for (target, name) in [(targets.0, names.0), (targets.1, names.1)] {
            switch target {
            case .nothing:
                notFound.append(name)
            case .commit(let hash, let runs) where runs.isEmpty:
                notFound.append(name)
                notes.append("\(name) is commit \(hash), which has no runs yet.")
            default:
                break
            }
        }
        if !notFound.isEmpty {
            return .notFound(notFound.count == 1 ? "run" : "runs", notFound.joined(separator: ", "),
                             note: notes.isEmpty ? nil : notes.joined(separator: " "), viewer: viewer)
        }
        let other: (id: String, machine: Machine)
        switch targets.1 {
        case .run(let id, let machine): other = (id, machine)
        case .commit(_, let runs):
            // With a fixed base run, prefer the other side's runs on the base's machine.
            if case .run(_, let machine) = targets.0, let same = runs.first(where: { $0.machine.isSameMachine(as: machine) }) {
                other = same
            } else {
                other = runs[0]
            }
        case .nothing: return nil
        }
        let base: String
        switch targets.0 {
        case .run(let id, _): base = id
        case .commit(_, let runs): base = (runs.first { $0.machine.isSameMachine(as: other.machine) } ?? runs[0]).id
        case .nothing: return nil
        }
        return .redirect(URLPath.compare(base, other.id), permanent: false)
    }
}
