// Turning what a user types (a short ref, an abbreviated hash, HEAD~3, A..B) into commits.

/// Why a name could not be resolved.
enum RevisionError: Error, Equatable, CustomStringConvertible {
    case unknown(String)
    case ambiguous(String, candidates: [String])
    case notImported(String, hash: String)

    var description: String {
        switch self {
        case .unknown(let name): "no ref or commit named \(name)"
        case .ambiguous(let name, let candidates): "\(name) is ambiguous: it could be \(candidates.joined(separator: ", "))"
        case .notImported(let name, let hash): "\(name) is commit \(hash), which is not imported yet"
        }
    }
}

/// Resolves names against the database first (refs, hash prefixes), then git.
struct RevisionResolver: Sendable {
    var store: Store
    var repository: GitRepository

    init(store: Store, repository: GitRepository) {
        self.store = store
        self.repository = repository
    }

    static let refPrefixes = ["refs/heads/", "refs/tags/", "refs/remotes/", "refs/"]

    /// The stored ref `name` names: its full name, or a short name under heads, tags
    /// or remotes. A short name matching several refs is ambiguous.
    func ref(_ name: String) throws -> StoredRef {
        let refs = try store.refs()
        if let exact = refs[name], name.hasPrefix("refs/") { return exact }
        let candidates = Self.refPrefixes.compactMap { refs[$0 + name] }
        switch candidates.count {
        case 0: throw RevisionError.unknown(name)
        case 1: return candidates[0]
        default: throw RevisionError.ambiguous(name, candidates: candidates.map(\.name))
        }
    }

    /// The full hash of the stored commit `revision` names.
    func commit(_ revision: String) throws -> String {
        let trimmed = revision.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw RevisionError.unknown(revision) }
        do {
            return try ref(trimmed).hash
        } catch RevisionError.unknown {
            // Not a ref: try a hash prefix, then git's revision syntax.
        }
        if let hash = try storedHash(prefix: trimmed, revision: revision) { return hash }
        guard let oid = try? repository.resolve(trimmed) else { throw RevisionError.unknown(revision) }
        guard try store.reachability(of: oid.hex) != nil else { throw RevisionError.notImported(revision, hash: oid.hex) }
        return oid.hex
    }

    /// The stored commit a hash prefix of 4 to 40 hex digits names, nil if none does.
    private func storedHash(prefix: String, revision: String) throws -> String? {
        let lower = prefix.lowercased()
        guard (4...40).contains(lower.utf8.count), lower.allSatisfy(\.isHexDigit) else { return nil }
        let matches = try store.hashes(withPrefix: lower, limit: 10)
        if matches.count > 1 { throw RevisionError.ambiguous(revision, candidates: matches) }
        return matches.first
    }

    /// The full hash of the stored commit a public revision names: a stored ref (or
    /// `HEAD`'s branch) or hash prefix, then its ~N/^N steps over stored parent edges.
    /// Never runs git's revision parser; only `HEAD` asks git (for its branch name).
    func commit(_ revision: PublicRevision) throws -> String {
        let text = revision.description
        var base: String
        if revision.name == "HEAD" {
            // HEAD's branch as stored (what pages show), or a detached HEAD's commit.
            if let branch = repository.headBranch() {
                guard let tip = try store.refs()[branch] else { throw RevisionError.unknown(text) }
                base = tip.hash
            } else {
                guard let oid = repository.headCommit() else { throw RevisionError.unknown(text) }
                base = oid.hex
            }
        } else {
            do {
                base = try ref(revision.name).hash
            } catch RevisionError.unknown {
                guard let hash = try storedHash(prefix: revision.name, revision: text) else { throw RevisionError.unknown(text) }
                base = hash
            }
        }
        var positions: [Int] = []
        for step in revision.steps {
            switch step {
            case .ancestor(let count): positions += repeatElement(0, count: count)
            case .parent(let number): if number > 0 { positions.append(number - 1) }
            }
        }
        guard let hash = try store.ancestor(of: base, parentPositions: positions) else { throw RevisionError.unknown(text) }
        return hash
    }

    /// Parses `text` as a `PublicRevision` and resolves it. Throws `PublicRevisionError`
    /// for syntax beyond the public one, `RevisionError` for names that match nothing.
    func commit(public text: String) throws -> String {
        try commit(try PublicRevision.parse(text.trimmingCharacters(in: .whitespaces)))
    }

    /// The commits a revision or an `A..B` range names, newest first, at most `limit`.
    func commits(_ spec: String, limit: Int) throws -> [String] {
        guard let dots = spec.range(of: "..") else { return [try commit(spec)] }
        let from = String(spec[..<dots.lowerBound])
        let to = String(spec[dots.upperBound...])
        let tip = try commit(to.isEmpty ? "HEAD" : to)
        let base = from.isEmpty ? nil : try commit(from)
        let oids = try repository.commits(from: GitOID(hex: tip)!, excluding: base.flatMap(GitOID.init(hex:)), limit: limit)
        return oids.map(\.hex)
    }
}
