// The importer's walk over new commits, handed out in batches for the writer.

/// What the walk hands the writer next: commits (with consecutive ids from `firstID`),
/// then, once every commit is written, the parent edges between them.
enum ImportBatch: Sendable {
    case commits(GitCommitRows, firstID: Int64)
    case edges([CommitEdge])
}

/// Where the walk ended: the ids of the tips it started from, and the commits known
/// from before where it stopped, with the reachability of the tip that reached them.
struct WalkSummary: Sendable {
    var tipIDs: [GitOID: Int64] = [:]
    var boundary: [(commit: Int64, level: Reachability)] = []
}

/// Walks new commits depth-first from each tip in turn, giving each commit the next id
/// and its tip's reachability, and stopping at commits the database knows.
///
/// Batches are bounded in commits and in bytes, so the walk holds only its table of
/// commits met (`WalkedCommits`) and the edges between them, never the commits' text.
struct CommitWalk {
    static let commitsPerBatch = 4096
    /// A batch ends once its text passes this (a hostile repository's 64 KiB messages
    /// would otherwise make a batch 256 MiB).
    static let textBytesPerBatch = 4 << 20
    static let edgesPerBatch = 8192

    private let repository: GitRepository
    private let tips: [(oid: GitOID, level: Reachability)]
    private let firstID: Int64
    /// The id of a commit stored before this import, or nil; not called when the database is empty.
    private let known: ((GitOID) throws -> Int64?)?

    private var table = WalkedCommits()
    private var edges: [(child: UInt32, parent: UInt32, position: UInt32)] = []
    private var boundary: [(commit: Int64, level: Reachability)] = []
    private var nextID: Int64
    private var tipIndex = 0
    private var stack: [UInt32] = []
    private var parents: [GitOID] = []
    private var edgesWritten = 0
    private var tipStarted = false

    /// - Parameter known: looks up commits stored before this import; nil when the database is empty.
    init(repository: GitRepository, tips: [(oid: GitOID, level: Reachability)], firstID: Int64,
         known: ((GitOID) throws -> Int64?)?) {
        self.repository = repository
        self.tips = tips
        self.firstID = firstID
        self.nextID = firstID
        self.known = known
    }

    /// The next batch: commits while the walk goes on, then the edges; nil at the end.
    mutating func next() throws -> ImportBatch? {
        if tipIndex < tips.count {
            let rows = try nextCommits()
            if !rows.isEmpty { return .commits(rows, firstID: nextID - Int64(rows.count)) }
        }
        return nextEdges().map(ImportBatch.edges)
    }

    /// Where the walk ended; complete once `next()` returned nil.
    var summary: WalkSummary {
        var summary = WalkSummary(boundary: boundary)
        for tip in tips {
            if case .stored(let id) = table.state(of: tip.oid) { summary.tipIDs[tip.oid] = id }
        }
        return summary
    }

    private mutating func nextCommits() throws -> GitCommitRows {
        var rows = GitCommitRows()
        while tipIndex < tips.count {
            let tip = tips[tipIndex]
            if stack.isEmpty && !tipStarted {
                stack.append(UInt32(table.insert(tip.oid)))
                tipStarted = true
            }
            while let index = stack.popLast().map(Int.init) {
                switch table.state(at: index) {
                case .stored(let id):
                    if id < firstID { boundary.append((id, tip.level)) }
                    continue
                case .missing:
                    continue
                case .pending:
                    break
                }
                let oid = table.oids[index]
                if let known, let id = try known(oid) {
                    table.set(.stored(id), at: index)
                    boundary.append((id, tip.level))
                    continue
                }
                do {
                    try repository.readCommit(oid, mark: Int64(tip.level.rawValue), into: &rows, parents: &parents)
                } catch let error as GitError where error.isNotFound {
                    // A shallow clone's boundary: the parent is not in the object database.
                    table.set(.missing, at: index)
                    continue
                }
                table.set(.stored(nextID), at: index)
                for (position, parent) in parents.enumerated() {
                    let parentIndex = table.insert(parent)
                    edges.append((UInt32(index), UInt32(parentIndex), UInt32(position)))
                    if table.id(at: parentIndex) == nil { stack.append(UInt32(parentIndex)) }
                }
                nextID += 1
                if rows.count >= Self.commitsPerBatch || rows.text.count >= Self.textBytesPerBatch { return rows }
            }
            tipIndex += 1
            tipStarted = false
        }
        return rows
    }

    private mutating func nextEdges() -> [CommitEdge]? {
        guard edgesWritten < edges.count else { return nil }
        var batch: [CommitEdge] = []
        batch.reserveCapacity(min(Self.edgesPerBatch, edges.count - edgesWritten))
        while edgesWritten < edges.count && batch.count < Self.edgesPerBatch {
            let edge = edges[edgesWritten]
            edgesWritten += 1
            // A parent beyond a shallow boundary has no row to point to.
            guard let child = table.id(at: Int(edge.child)), let parent = table.id(at: Int(edge.parent)) else { continue }
            batch.append(CommitEdge(child: child, position: Int64(edge.position), parent: parent))
        }
        if edgesWritten == edges.count { edges = [] }
        return batch
    }
}
