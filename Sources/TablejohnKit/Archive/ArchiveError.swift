// Errors from building or unpacking tar.gz archives, carrying libarchive's message.

/// A failed archive operation: what we tried and why.
public struct ArchiveError: Error, CustomStringConvertible, Sendable, Equatable {
    public let operation: String
    public let message: String

    public init(_ operation: String, _ message: String) {
        self.operation = operation
        self.message = message
    }

    public var description: String { "\(operation): \(message)" }
}
