// The front page's refs in groups a reader can scan: tracked, branches, tags, remote-tracking, stale, other.

/// Refs as the front page lists them. A real repository has a handful of refs people care
/// about and thousands they do not (release tags, remote-tracking copies, branches nobody
/// touched in months); listing all of them made `/` megabytes long. Each group is newest
/// first and shows at most `limit` refs, saying how many more there are.
struct RefGroups: Equatable {
    enum Kind: String, CaseIterable {
        case tracked, branches, tags, remotes, stale, other

        var title: String {
            switch self {
            case .tracked: "Tracked"
            case .branches: "Branches"
            case .tags: "Tags"
            case .remotes: "Remote-tracking branches"
            case .stale: "Stale branches"
            case .other: "Other refs"
            }
        }

        /// The most refs shown (tracked refs are few and chosen by an admin: all of them).
        var limit: Int {
            switch self {
            case .tracked: .max
            case .branches: 20
            case .tags, .remotes, .stale, .other: 10
            }
        }

        /// Whether the group starts folded.
        var collapsed: Bool { self == .remotes || self == .stale || self == .other }
    }

    struct Group: Equatable {
        var kind: Kind
        var shown: [RefSummary]
        var total: Int
    }

    /// A branch whose tip is this much older than the newest ref's is stale: 90 days. Measured
    /// from the newest tip, not the clock, so a mirror of a quiet project is not all stale.
    static let staleSeconds: Int64 = 90 * 86_400

    /// The non-empty groups, in `Kind` order.
    let groups: [Group]

    init(_ refs: [RefSummary]) {
        let now = refs.map(\.committerTime).max() ?? 0
        var byKind: [Kind: [RefSummary]] = [:]
        for ref in refs { byKind[Self.kind(of: ref, now: now), default: []].append(ref) }
        groups = Kind.allCases.compactMap { kind in
            guard let members = byKind[kind] else { return nil }
            let newest = members.sorted { ($0.committerTime, $1.name) > ($1.committerTime, $0.name) }
            return Group(kind: kind, shown: Array(newest.prefix(kind.limit)), total: members.count)
        }
    }

    static func kind(of ref: RefSummary, now: Int64) -> Kind {
        if ref.tracked { return .tracked }
        if ref.name.hasPrefix("refs/heads/") { return now - ref.committerTime > staleSeconds ? .stale : .branches }
        if ref.name.hasPrefix("refs/tags/") { return .tags }
        if ref.name.hasPrefix("refs/remotes/") { return .remotes }
        return .other
    }
}
