// Errors raised by libgit2 calls, carrying libgit2's own message.
import CGit2

/// A failed libgit2 call: what we tried, the library's error code and its message.
struct GitError: Error, CustomStringConvertible, Sendable {
    let operation: String
    let code: Int32
    let message: String

    init(_ operation: String, code: Int32) {
        self.operation = operation
        self.code = code
        if let last = git_error_last(), let text = last.pointee.message {
            self.message = String(cString: text)
        } else {
            self.message = "libgit2 error \(code)"
        }
    }

    init(_ operation: String, message: String) {
        self.operation = operation
        self.code = -1
        self.message = message
    }

    var description: String { "\(operation): \(message)" }

    /// True when libgit2 said the object or reference does not exist.
    var isNotFound: Bool { code == GIT_ENOTFOUND.rawValue }
}

/// Throws a `GitError` when a libgit2 return code signals failure.
@inline(__always)
func gitCheck(_ code: Int32, _ operation: @autoclosure () -> String) throws {
    if code < 0 { throw GitError(operation(), code: code) }
}
