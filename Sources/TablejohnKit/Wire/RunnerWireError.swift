// Why one side of the runner protocol cannot use what the other sent.

/// A status call or reply that does not have the protocol's shape, or a runner's own
/// trouble with a run; the message names the field or the cause.
struct RunnerWireError: Error, CustomStringConvertible, Equatable {
    var message: String
    var description: String { message }

    init(message: String) {
        self.message = message
    }
}
