// What the change tracker asks the store and the queue to do.

/// What the tracker asks for.
enum ChangeAction: Sendable, Equatable {
    case insert(ChangeFields)
    case update(id: Int64, ChangeFields)
    /// A change the data no longer shows, never reported.
    case delete(id: Int64)
    /// Queue a commit (bisection midpoint or confirmation re-run) at the tracker's priority,
    /// on the machine of the series (`MachineAffinity`).
    case enqueue(commit: Int64)
    /// Take back a re-run queued on the series' machine that a decided confirmation no
    /// longer needs (another change that still wants it queues it again).
    case withdraw(commit: Int64)
}
