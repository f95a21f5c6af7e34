// The bench methods by name: the one place that spells each, as runs record it and as the runner protocol sends it.

/// A bench method without its settings (SPEC §6). Each has two spellings, both fixed:
/// the name runs record, `[bench] method` takes and pages and tjctl show (`bench-repo`),
/// and the `bench_method.type` of the runner protocol's reply (`bench_repo`, as RUNNERS.md
/// and SPEC §6 document it).
enum BenchMethodKind: Sendable, CaseIterable {
    /// Files, lines and TODOs of the commit's tree.
    case `internal`
    /// A shell command run in the checked-out commit.
    case command
    /// The entry point of a second repository of benchmark scripts.
    case benchRepo

    /// The name runs record and `[bench] method` takes: `internal`, `command` or `bench-repo`.
    var recordedName: String {
        switch self {
        case .internal: "internal"
        case .command: "command"
        case .benchRepo: "bench-repo"
        }
    }

    /// `bench_method.type` in a status reply: `internal`, `command` or `bench_repo`.
    var wireType: String {
        switch self {
        case .internal: "internal"
        case .command: "command"
        case .benchRepo: "bench_repo"
        }
    }

    /// The method a recorded name (or `[bench] method` value) names; nil for any other text.
    init?(recordedName: String) {
        guard let kind = Self.allCases.first(where: { $0.recordedName == recordedName }) else { return nil }
        self = kind
    }

    /// The method a reply's `bench_method.type` names: its wire spelling, or the recorded
    /// name (a server may send either; `tablejohnd serve` sends the wire spelling).
    init?(wireType: String) {
        guard let kind = Self.allCases.first(where: { $0.wireType == wireType || $0.recordedName == wireType }) else { return nil }
        self = kind
    }

    /// The recorded names as a list for messages: `"internal", "command" or "bench-repo"`.
    static var recordedNamesText: String {
        let quoted = allCases.map { "\"\($0.recordedName)\"" }
        return quoted.dropLast().joined(separator: ", ") + " or " + quoted.last!
    }
}
