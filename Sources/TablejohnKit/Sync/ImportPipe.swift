// Hands the importer's batches from the walking thread to the writing one.
import Foundation

/// A bounded hand-over from the thread that walks the repository to the one that writes
/// the database, so that reading commits (libgit2, inflating) and storing them (SQLite)
/// run at the same time on two cores. The walker waits while `capacity` batches are
/// ahead of the writer, so memory stays a few batches however long the walk.
///
/// Either side can end it: the walker with its summary or its error, the writer by
/// closing it (the store failed, or the import was told to stop); the walker's next
/// `send` then returns false, and `closeAndWait` returns once the walker has finished.
final class ImportPipe: @unchecked Sendable {
    private let condition = NSCondition()
    private let capacity: Int
    private var ready: [ImportBatch] = []
    private var end: Result<WalkSummary, any Error>?
    private var closed = false

    init(capacity: Int) { self.capacity = capacity }

    /// Walks on a thread of its own and sends every batch; the pipe ends with the walk.
    static func walking(_ makeWalk: @escaping @Sendable () -> CommitWalk, capacity: Int) -> ImportPipe {
        let pipe = ImportPipe(capacity: capacity)
        let thread = Thread {
            var walk = makeWalk()
            do {
                while let batch = try walk.next() {
                    guard pipe.send(batch) else { return pipe.finish(.failure(ImportCancelled())) }
                }
                pipe.finish(.success(walk.summary))
            } catch {
                pipe.finish(.failure(error))
            }
        }
        thread.name = "tablejohn.import-walk"
        thread.start()
        return pipe
    }

    /// Walker: hands over a batch, waiting while the writer is `capacity` behind; false
    /// when the writer has closed the pipe.
    func send(_ batch: ImportBatch) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while ready.count >= capacity && !closed { condition.wait() }
        guard !closed else { return false }
        ready.append(batch)
        condition.broadcast()
        return true
    }

    /// Walker: the walk ended, with where it ended or why it stopped.
    func finish(_ result: Result<WalkSummary, any Error>) {
        condition.lock()
        defer { condition.unlock() }
        end = result
        condition.broadcast()
    }

    /// Writer: the next batch, waiting for it; nil once the walk ended well, its error if not.
    func receive() throws -> ImportBatch? {
        condition.lock()
        defer { condition.unlock() }
        while ready.isEmpty && end == nil { condition.wait() }
        if !ready.isEmpty {
            condition.broadcast()
            return ready.removeFirst()
        }
        if case .failure(let error)? = end { throw error }
        return nil
    }

    /// Writer: where the walk ended, once `receive` returned nil.
    var summary: WalkSummary? {
        condition.lock()
        defer { condition.unlock() }
        return try? end?.get()
    }

    /// Writer: stops the walker at its next batch and waits until it has finished, so
    /// nothing reads the repository once the import has returned.
    func closeAndWait() {
        condition.lock()
        defer { condition.unlock() }
        closed = true
        ready.removeAll()
        condition.broadcast()
        while end == nil { condition.wait() }
    }
}
