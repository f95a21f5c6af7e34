// The commits one import has met, by object id, in a table sized for a million of them.

/// The commits one import has met and what became of each: stored under a database id,
/// known from before, missing from the object database, or only seen as a parent so far.
///
/// An open-addressing table of 32-bit slots over dense arrays: about 44 bytes a commit
/// where a `[GitOID: Int64]` took 64, and 96 while it grew, and no SipHash per lookup
/// (a tenth of a first import). Object ids are attacker-chosen, so the slot comes from a
/// multiply with per-table random constants: a repository cannot be built to collide.
struct WalkedCommits {
    /// What is known of a commit.
    enum State: Equatable {
        /// Seen as a parent, not yet read.
        case pending
        /// Not in the object database (a shallow clone's boundary).
        case missing
        /// In the database under this id (walked by this import or known before it).
        case stored(Int64)
    }

    private(set) var oids: [GitOID] = []
    /// Per commit: its id, 0 while pending, -1 when missing.
    private var ids: [Int64] = []
    /// 0 for an empty slot, else an index into `oids` plus one.
    private var slots: [UInt32]
    private var mask: Int
    private let multipliers = (UInt64.random(in: 1...UInt64.max) | 1, UInt64.random(in: 1...UInt64.max) | 1)

    init() {
        slots = [UInt32](repeating: 0, count: 1024)
        mask = slots.count - 1
    }

    var count: Int { oids.count }

    /// The index of `oid`, or nil if it was never met.
    func index(of oid: GitOID) -> Int? {
        var slot = home(oid)
        while true {
            let entry = Int(slots[slot])
            if entry == 0 { return nil }
            if oids[entry - 1] == oid { return entry - 1 }
            slot = (slot + 1) & mask
        }
    }

    /// The index of `oid`, adding it as pending if it was never met.
    mutating func insert(_ oid: GitOID) -> Int {
        var slot = home(oid)
        while true {
            let entry = Int(slots[slot])
            if entry == 0 { break }
            if oids[entry - 1] == oid { return entry - 1 }
            slot = (slot + 1) & mask
        }
        oids.append(oid)
        ids.append(0)
        slots[slot] = UInt32(oids.count)
        if oids.count * 2 > slots.count { grow() }
        return oids.count - 1
    }

    func state(at index: Int) -> State {
        switch ids[index] {
        case 0: .pending
        case -1: .missing
        case let id: .stored(id)
        }
    }

    func state(of oid: GitOID) -> State? { index(of: oid).map(state(at:)) }

    mutating func set(_ state: State, at index: Int) {
        switch state {
        case .pending: ids[index] = 0
        case .missing: ids[index] = -1
        case .stored(let id): ids[index] = id
        }
    }

    /// The database id at `index`, if stored.
    func id(at index: Int) -> Int64? {
        let id = ids[index]
        return id > 0 ? id : nil
    }

    private func home(_ oid: GitOID) -> Int {
        let mixed = (oid.a &* multipliers.0) ^ (oid.b &* multipliers.1) ^ UInt64(oid.c)
        return Int(truncatingIfNeeded: (mixed &* multipliers.0) >> 32) & mask
    }

    private mutating func grow() {
        slots = [UInt32](repeating: 0, count: slots.count * 2)
        mask = slots.count - 1
        for (index, oid) in oids.enumerated() {
            var slot = home(oid)
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = UInt32(index + 1)
        }
    }
}
