// One parent edge as the store keeps it: child and parent by database id.

/// One parent edge as stored: child and parent by database id, position 0 the first parent.
struct CommitEdge: Sendable {
    var child: Int64
    var position: Int64
    var parent: Int64
}
