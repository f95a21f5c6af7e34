// Why a [runner] min-free entry could not be read.
import Foundation

/// A `min-free` entry that cannot be read.
public struct DiskThresholdError: Error, Equatable, CustomStringConvertible {
    public var entry: String
    public var problem: String
    public var description: String { "\(entry.debugDescription): \(problem)" }
}
