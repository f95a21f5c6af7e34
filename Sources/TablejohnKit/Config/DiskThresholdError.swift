// Why a [runner] min-free entry could not be read.
import Foundation

/// A `min-free` entry that cannot be read.
struct DiskThresholdError: Error, Equatable, CustomStringConvertible {
    var entry: String
    var problem: String
    var description: String { "\(entry.debugDescription): \(problem)" }
}
