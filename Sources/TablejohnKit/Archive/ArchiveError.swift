// Errors from building or unpacking tar.gz archives, carrying libarchive's message.

/// A failed archive operation: what we tried and why.
struct ArchiveError: Error, CustomStringConvertible, Sendable, Equatable {
    let operation: String
    let message: String

    init(_ operation: String, _ message: String) {
        self.operation = operation
        self.message = message
    }

    var description: String { "\(operation): \(message)" }
}
