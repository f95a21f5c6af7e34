// The revision names public pages and APIs accept: a ref or hash prefix and a few bounded ~N/^N steps, checked without I/O.

/// Why a public revision was refused. Its message says what is accepted.
struct PublicRevisionError: Error, Equatable, CustomStringConvertible, Sendable {
    let text: String
    let reason: String

    var description: String {
        "\(reason); a public address names a commit as a ref (main, refs/tags/v1.0) or a hash of 4 to 40 hex digits, "
            + "optionally followed by up to \(PublicRevision.maximumSteps) steps ~N or ^N walking at most "
            + "\(PublicRevision.maximumWalk) commits (full revision syntax is for tjctl)"
    }
}

/// A revision from an untrusted source (a web address, a query parameter). It can only
/// hold a name that is a valid ref name (by git's rules) or a hash prefix, followed by
/// ancestry steps whose total walk is bounded, so resolving one is a few indexed lookups
/// and never runs git's revision parser (`:/regex`, `^{/regex}`, `@{…}` reflogs).
struct PublicRevision: Equatable, Sendable, CustomStringConvertible {
    /// One ancestry step.
    enum Step: Equatable, Sendable {
        /// `~N`: the N-th first-parent ancestor.
        case ancestor(Int)
        /// `^N`: the N-th parent (`^0` is the commit itself).
        case parent(Int)
    }

    /// A ref name (full, short, or `HEAD`), or a hash prefix when `isHashPrefix`.
    let name: String
    let steps: [Step]

    static let maximumLength = 1024
    static let maximumSteps = 8
    /// The most commits all steps together may walk.
    static let maximumWalk = 10_000
    /// The highest parent number `^N` accepts (octopus merges rarely exceed a few dozen).
    static let maximumParent = 64

    /// Whether the name can be a hash prefix (4 to 40 hex digits). A ref of that name wins.
    var isHashPrefix: Bool {
        (4...40).contains(name.utf8.count) && name.utf8.allSatisfy(\.isASCIIHexDigit)
    }

    var description: String {
        name + steps.map { step in
            switch step {
            case .ancestor(let n): "~\(n)"
            case .parent(let n): "^\(n)"
            }
        }.joined()
    }

    /// Reads `text`, refusing everything beyond the public syntax. Pure: no I/O.
    static func parse(_ text: String) throws(PublicRevisionError) -> PublicRevision {
        func refuse(_ reason: String) -> PublicRevisionError { PublicRevisionError(text: text, reason: reason) }
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { throw refuse("the revision is empty") }
        guard bytes.count <= maximumLength else { throw refuse("the revision is longer than \(maximumLength) bytes") }
        let suffixStart = bytes.firstIndex { $0 == UInt8(ascii: "~") || $0 == UInt8(ascii: "^") } ?? bytes.count
        let name = Array(bytes[..<suffixStart])
        if let problem = refNameProblem(name) { throw refuse(problem) }
        var steps: [Step] = []
        var walk = 0
        var index = suffixStart
        while index < bytes.count {
            let kind = bytes[index]
            index += 1
            var digits = 0
            var number = 0
            while index < bytes.count, bytes[index].isASCIIDigit {
                digits += 1
                guard digits <= 6 else { throw refuse("a step's number is too large") }
                number = number * 10 + Int(bytes[index] - UInt8(ascii: "0"))
                index += 1
            }
            if index < bytes.count, bytes[index] != UInt8(ascii: "~"), bytes[index] != UInt8(ascii: "^") {
                throw refuse("only ~N and ^N may follow the name")
            }
            let count = digits == 0 ? 1 : number
            guard steps.count < maximumSteps else { throw refuse("more than \(maximumSteps) ~N or ^N steps") }
            if kind == UInt8(ascii: "~") {
                steps.append(.ancestor(count))
                walk += count
            } else {
                guard count <= maximumParent else { throw refuse("^\(count) is past the highest parent number, \(maximumParent)") }
                steps.append(.parent(count))
                walk += count == 0 ? 0 : 1
            }
            guard walk <= maximumWalk else { throw refuse("the steps walk more than \(maximumWalk) commits") }
        }
        return PublicRevision(name: String(decoding: name, as: UTF8.self), steps: steps)
    }

    /// Why `name` is not a valid ref name by `git check-ref-format`'s rules (a
    /// one-level name such as `main` or `HEAD` is allowed), or nil when it is.
    static func refNameProblem(_ name: [UInt8]) -> String? {
        guard !name.isEmpty else { return "the revision has no name before its steps" }
        if name == Array("@".utf8) { return "@ is not a ref name" }
        var previous: UInt8 = 0
        for byte in name {
            switch byte {
            case 0..<0x20, 0x7f:
                return "a ref name has no control characters"
            case UInt8(ascii: " "), UInt8(ascii: ":"), UInt8(ascii: "?"), UInt8(ascii: "*"), UInt8(ascii: "["),
                 UInt8(ascii: "\\"):
                return "a ref name has no spaces or any of : ? * [ \\"
            case UInt8(ascii: "{") where previous == UInt8(ascii: "@"):
                return "@{…} (reflog) syntax is not accepted"
            case UInt8(ascii: ".") where previous == UInt8(ascii: "."):
                return "a ref name has no .. (ranges are not accepted)"
            case UInt8(ascii: "/") where previous == UInt8(ascii: "/"):
                return "a ref name has no empty component (//)"
            default:
                break
            }
            previous = byte
        }
        if name.first == UInt8(ascii: "/") || name.last == UInt8(ascii: "/") { return "a ref name neither starts nor ends with /" }
        if name.last == UInt8(ascii: ".") { return "a ref name does not end with ." }
        for component in name.split(separator: UInt8(ascii: "/")) {
            if component.first == UInt8(ascii: ".") { return "a ref name's components do not start with ." }
            if component.count >= 5, component.suffix(5).elementsEqual(".lock".utf8) { return "a ref name's components do not end with .lock" }
        }
        return nil
    }

    private init(name: String, steps: [Step]) {
        self.name = name
        self.steps = steps
    }
}

private extension UInt8 {
    var isASCIIDigit: Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self) }
    var isASCIIHexDigit: Bool {
        isASCIIDigit || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(self) || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(self)
    }
}
