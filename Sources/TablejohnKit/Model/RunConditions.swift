// What could have skewed a run: the machine's load when it started, the CPU governor, and whether another run shared the machine.

/// The conditions a runner reports with each run, so a noisy number can be told from a
/// regression. Every field is optional (a machine without cpufreq has no governor), and
/// what a runner sends is checked like any untrusted input.
public struct RunConditions: Sendable, Equatable {
    /// The 1-minute load average when the run started.
    var loadAverage: Double?
    /// The CPU frequency governor of the first CPU (`performance`, `powersave`, …).
    var governor: String?
    /// Whether another tablejohn run was in progress on the same machine at its start or end.
    var sharedMachine: Bool?

    init(loadAverage: Double? = nil, governor: String? = nil, sharedMachine: Bool? = nil) {
        self.loadAverage = loadAverage
        self.governor = governor
        self.sharedMachine = sharedMachine
    }

    /// The most a load average may be; a larger one is an error, not a reading.
    static let maximumLoad = 1_000_000.0
    /// The longest governor name kept (kernel names are under 16 characters).
    static let maximumGovernorBytes = 32

    /// `{"load_average": 0.52, "governor": "performance", "shared_machine": false}`.
    var json: JSONValue {
        var fields = JSONObject()
        if let loadAverage { fields["load_average"] = .real(loadAverage) }
        if let governor { fields["governor"] = .string(governor) }
        if let sharedMachine { fields["shared_machine"] = .bool(sharedMachine) }
        return .object(fields)
    }

    /// Reads the object `json` strictly: unknown keys, wrong types, a load that is not a
    /// finite number from 0 to a million, or a governor that is not a short name are errors.
    init(json: JSONValue) throws(RunConditionsError) {
        guard case .object(let fields) = json else { throw RunConditionsError("must be an object") }
        for key in fields.keys where !["load_average", "governor", "shared_machine"].contains(key) {
            throw RunConditionsError("unknown field \(key.debugDescription); use load_average, governor, shared_machine")
        }
        switch fields["load_average"] {
        case nil, .null?: break
        case let value?:
            guard let load = value.doubleValue, load.isFinite, (0...Self.maximumLoad).contains(load) else {
                throw RunConditionsError("\"load_average\" must be a number from 0 to 1000000")
            }
            loadAverage = load
        }
        switch fields["governor"] {
        case nil, .null?: break
        case .string(let name)?:
            guard let valid = Self.governor(name) else {
                throw RunConditionsError("\"governor\" must be a name of at most 32 letters, digits, '_' or '-'")
            }
            governor = valid
        default:
            throw RunConditionsError("\"governor\" must be a string")
        }
        switch fields["shared_machine"] {
        case nil, .null?: break
        case .bool(let shared)?: sharedMachine = shared
        default: throw RunConditionsError("\"shared_machine\" must be true or false")
        }
    }

    /// `name` when it is a governor name as the kernel writes them: 1 to 32 ASCII letters,
    /// digits, '_' or '-'; nil otherwise.
    static func governor(_ name: String) -> String? {
        let valid = !name.isEmpty && name.utf8.count <= maximumGovernorBytes
            && name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "-") }
        return valid ? name : nil
    }

    /// One line for a page: `load 0.52 at start · governor powersave · shared the machine with another run`.
    var summary: String {
        var parts: [String] = []
        if let loadAverage { parts.append("load \(String(format: "%.2f", loadAverage)) at start") }
        if let governor { parts.append("governor \(governor)") }
        if let sharedMachine { parts.append(sharedMachine ? "shared the machine with another run" : "alone on the machine") }
        return parts.joined(separator: " · ")
    }

    /// Whether anything here is known to make numbers noisy: another run at the same time,
    /// a load above the machine's `cores`, or a governor that changes the clock.
    func mayBeNoisy(cores: Int?) -> Bool {
        if sharedMachine == true { return true }
        if let loadAverage, let cores, loadAverage > Double(cores) { return true }
        if let governor, !["performance", "userspace"].contains(governor) { return true }
        return false
    }
}

/// Why a run's reported conditions were refused.
struct RunConditionsError: Error, Equatable, CustomStringConvertible {
    let message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}
