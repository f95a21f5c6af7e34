// The machine a run's numbers came from: runner name and fingerprint, and when two are the same.

/// The machine a run's numbers came from: the runner's name and the fingerprint it
/// reported. Numbers are compared only between runs on the same machine; fingerprints
/// are equal when they hold the same keys and values, in any order.
public struct Machine: Sendable, Equatable {
    public var runner: String?
    public var fingerprint: JSONValue?

    public init(runner: String?, fingerprint: JSONValue?) {
        self.runner = runner
        self.fingerprint = fingerprint
    }
}
