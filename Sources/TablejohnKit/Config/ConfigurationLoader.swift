// Reading TablejohnConfiguration from a TOML file, with errors that name file, line and key.
import Foundation

/// A configuration problem, located as precisely as possible.
public struct ConfigurationError: Error, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var key: String?
    public var message: String

    public var description: String {
        var location = file
        if let line { location += ":\(line)" }
        if let key { return "\(location): \(key): \(message)" }
        return "\(location): \(message)"
    }
}

extension TablejohnConfiguration {
    /// Reads the file at `path`. Keys not mentioned keep their defaults; unknown keys are errors.
    public static func load(path: String) throws -> TablejohnConfiguration {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ConfigurationError(file: path, message: "cannot read the file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigurationError(file: path, message: "the file is not valid UTF-8")
        }
        return try parse(text, file: path)
    }

    /// Parses configuration text; `file` names it in errors.
    public static func parse(_ text: String, file: String) throws -> TablejohnConfiguration {
        let root: TOMLTable
        do {
            root = try TOMLParser.parse(text)
        } catch {
            throw ConfigurationError(file: file, line: error.line, message: error.message)
        }
        var configuration = TablejohnConfiguration()
        var top = SectionReader(table: root, section: nil, file: file)
        if var web = try top.section("web") {
            if let address = try web.string("address") {
                guard let parsed = SocketAddressSetting(parsing: address.value) else {
                    throw web.error("address", line: address.line, "expected HOST:PORT, such as \"127.0.0.1:8221\"")
                }
                configuration.web.address = parsed
            }
            if let token = try web.string("runner-token") {
                guard token.value.utf8.count >= 16 else {
                    throw web.error("runner-token", line: token.line, "must be at least 16 characters; tjctl runner add NAME issues per-runner tokens")
                }
                configuration.web.runnerToken = token.value
            }
            if let timeout = try web.duration("runner-timeout") { configuration.web.runnerTimeout = timeout }
            if let isPublic = try web.bool("public") { configuration.web.isPublic = isPublic }
            try web.finish()
        }
        if var repo = try top.section("repo") {
            configuration.repo.path = try repo.string("path")?.value
            configuration.repo.url = try repo.string("url")?.value
            if let interval = try repo.duration("fetch-interval") { configuration.repo.fetchInterval = interval }
            if let refspecs = try repo.strings("refspecs") {
                guard !refspecs.value.isEmpty else { throw repo.error("refspecs", line: refspecs.line, "needs at least one refspec") }
                configuration.repo.refspecs = refspecs.value
            }
            try repo.finish()
        }
        if var bench = try top.section("bench") {
            let command = try bench.string("command")
            let benchRepo = try bench.string("repo")
            let entry = try bench.string("entry")
            switch try bench.string("method") {
            case nil where command != nil, ("command", _)?:
                guard let command, !command.value.trimmingCharacters(in: .whitespaces).isEmpty else {
                    throw bench.error("command", line: command?.line, "method \"command\" needs a command to run, such as \"make bench\"")
                }
                configuration.bench.method = .command(command.value)
            case ("bench-repo", let line)?:
                guard let benchRepo, !benchRepo.value.isEmpty else {
                    throw bench.error("repo", line: benchRepo?.line ?? line, "method \"bench-repo\" needs repo = \"/path/to/the/bench/repository\"")
                }
                let entryPath = entry?.value ?? "bench.sh"
                guard !entryPath.isEmpty, !entryPath.hasPrefix("/"), !entryPath.split(separator: "/").contains("..") else {
                    throw bench.error("entry", line: entry?.line, "must be a path inside the bench repository, such as \"run.sh\"")
                }
                configuration.bench.method = .benchRepo(path: benchRepo.value, entry: entryPath)
            case nil, ("internal", _)?:
                break
            case (let other, let line)?:
                throw bench.error("method", line: line, "expected \"internal\", \"command\" or \"bench-repo\", found \"\(other)\"")
            }
            if let command, configuration.bench.method.name != "command" {
                throw bench.error("command", line: command.line, "is only used with method = \"command\"")
            }
            for (key, value) in [("repo", benchRepo), ("entry", entry)] where value != nil && configuration.bench.method.name != "bench-repo" {
                throw bench.error(key, line: value?.line, "is only used with method = \"bench-repo\"")
            }
            if let timeout = try bench.duration("timeout") { configuration.bench.timeout = timeout }
            if let format = try bench.string("format") {
                guard let known = ResultFormat(rawValue: format.value) else {
                    throw bench.error("format", line: format.line, "expected one of \(ResultReader.names), found \"\(format.value)\"")
                }
                configuration.bench.format = known
            }
            try bench.finish()
        }
        if var runner = try top.section("runner") {
            configuration.runner = try runnerSettings(&runner)
        }
        if var detect = try top.section("detect") {
            configuration.detect = try detectSettings(&detect)
        }
        if var hooks = try top.section("hooks") {
            if let urls = try hooks.stringOrStrings("webhook") {
                for url in urls.value where !(url.hasPrefix("http://") || url.hasPrefix("https://")) {
                    throw hooks.error("webhook", line: urls.line, "expected http:// or https:// URLs, found \"\(url)\"")
                }
                configuration.hooks.webhooks = urls.value
            }
            try hooks.finish()
        }
        try top.finish()
        return configuration
    }
}

extension TablejohnConfiguration {
    static func detectSettings(_ section: inout SectionReader) throws -> Detect {
        var detect = Detect()
        if let enabled = try section.boolean("enabled") { detect.enabled = enabled }
        if let interval = try section.duration("interval") { detect.interval = interval }
        if let window = try section.number("window") {
            guard window.value >= 10, window.value <= 1_000_000, window.value == window.value.rounded() else {
                throw section.error("window", line: window.line, "expected a whole number of commits from 10 to 1000000")
            }
            detect.window = Int(window.value)
        }
        if let priority = try section.number("priority") {
            guard abs(priority.value) <= 1_000_000, priority.value == priority.value.rounded() else {
                throw section.error("priority", line: priority.line, "expected a whole number")
            }
            detect.priority = Int(priority.value)
        }
        try section.finish()
        return detect
    }

    static func runnerSettings(_ section: inout SectionReader) throws -> Runner {
        var runner = Runner()
        if let name = try section.string("name") {
            guard RunnerToken.isValidName(name.value) else {
                throw section.error("name", line: name.line, "use letters, digits, '.', '_' and '-' (at most 64)")
            }
            runner.name = name.value
        }
        runner.workDirectory = try section.string("work-dir")?.value
        if let interval = try section.duration("ping-interval") { runner.pingInterval = interval }
        runner.info = try section.string("info")?.value
        for var server in try section.tables("server") {
            guard let url = try server.string("url"), url.value.hasPrefix("http://") || url.value.hasPrefix("https://") else {
                throw server.error("url", line: server.table.line, "each [[runner.server]] needs url = \"http://host:port\"")
            }
            guard let token = try server.string("token"), !token.value.isEmpty else {
                throw server.error("token", line: server.table.line, "each [[runner.server]] needs the token tjctl runner add printed")
            }
            var entry = Runner.Server(url: url.value, token: token.value)
            if let weight = try server.number("weight") {
                guard weight.value > 0, weight.value.isFinite else { throw server.error("weight", line: weight.line, "must be a positive number") }
                entry.weight = weight.value
            }
            try server.finish()
            runner.servers.append(entry)
        }
        try section.finish()
        return runner
    }
}

/// Reads the keys of one table, remembering which were used so unknown ones can be reported.
struct SectionReader {
    let table: TOMLTable
    let section: String?
    let file: String
    private var used: Set<String> = []

    init(table: TOMLTable, section: String?, file: String) {
        self.table = table
        self.section = section
        self.file = file
    }

    func error(_ key: String, line: Int?, _ message: String) -> ConfigurationError {
        ConfigurationError(file: file, line: line, key: section.map { "[\($0)] \(key)" } ?? key, message: message)
    }

    private mutating func entry(_ key: String) -> TOMLTable.Entry? {
        used.insert(key)
        return table[key]
    }

    mutating func section(_ key: String) throws -> SectionReader? {
        guard let entry = entry(key) else { return nil }
        guard case .table(let inner) = entry.value else {
            throw error(key, line: entry.line, "expected a table ([\(key)]), found \(entry.value.typeName)")
        }
        return SectionReader(table: inner, section: section.map { "\($0).\(key)" } ?? key, file: file)
    }

    mutating func string(_ key: String) throws -> (value: String, line: Int)? {
        guard let entry = entry(key) else { return nil }
        guard case .string(let value) = entry.value else {
            throw error(key, line: entry.line, "expected a string, found \(entry.value.typeName)")
        }
        return (value, entry.line)
    }

    mutating func strings(_ key: String) throws -> (value: [String], line: Int)? {
        guard let entry = entry(key) else { return nil }
        guard case .array(let items) = entry.value else {
            throw error(key, line: entry.line, "expected an array of strings, found \(entry.value.typeName)")
        }
        var values: [String] = []
        for item in items {
            guard case .string(let value) = item else {
                throw error(key, line: entry.line, "expected an array of strings, found \(item.typeName) in it")
            }
            values.append(value)
        }
        return (values, entry.line)
    }

    /// A string or an array of strings.
    mutating func stringOrStrings(_ key: String) throws -> (value: [String], line: Int)? {
        guard let entry = entry(key) else { return nil }
        if case .string(let value) = entry.value { return ([value], entry.line) }
        return try strings(key)
    }

    mutating func boolean(_ key: String) throws -> Bool? {
        guard let entry = entry(key) else { return nil }
        guard case .bool(let value) = entry.value else {
            throw error(key, line: entry.line, "expected true or false, found \(entry.value.typeName)")
        }
        return value
    }

    /// The tables of an array of tables (`[[section.key]]`).
    mutating func tables(_ key: String) throws -> [SectionReader] {
        guard let entry = entry(key) else { return [] }
        guard case .array(let items) = entry.value else {
            throw error(key, line: entry.line, "expected [[\(section.map { "\($0)." } ?? "")\(key)]] tables, found \(entry.value.typeName)")
        }
        return try items.map { item in
            guard case .table(let inner) = item else { throw error(key, line: entry.line, "expected tables, found \(item.typeName)") }
            return SectionReader(table: inner, section: section.map { "\($0).\(key)" } ?? key, file: file)
        }
    }

    mutating func bool(_ key: String) throws -> Bool? {
        guard let entry = entry(key) else { return nil }
        guard case .bool(let value) = entry.value else {
            throw error(key, line: entry.line, "expected true or false, found \(entry.value.typeName)")
        }
        return value
    }

    /// An integer or float.
    mutating func number(_ key: String) throws -> (value: Double, line: Int)? {
        guard let entry = entry(key) else { return nil }
        switch entry.value {
        case .integer(let value): return (Double(value), entry.line)
        case .float(let value): return (value, entry.line)
        default: throw error(key, line: entry.line, "expected a number, found \(entry.value.typeName)")
        }
    }

    /// A positive duration: an integer number of seconds, or a string such as "90s", "5m", "2h", "500ms".
    mutating func duration(_ key: String) throws -> Duration? {
        guard let entry = entry(key) else { return nil }
        let expected = "expected a positive duration such as 60 (seconds) or \"5m\""
        let duration: Duration
        switch entry.value {
        case .integer(let seconds) where seconds > 0:
            duration = .seconds(seconds)
        case .string(let text):
            guard let parsed = DurationParser.parse(text), parsed > .zero else {
                throw error(key, line: entry.line, "\(expected), found \"\(text)\"")
            }
            duration = parsed
        default:
            throw error(key, line: entry.line, "\(expected), found \(entry.value.typeName)")
        }
        // Durations are used as milliseconds in Int64, so an unbounded one would overflow later.
        guard duration <= DurationParser.maximum else {
            throw error(key, line: entry.line, "must be at most 100 years")
        }
        return duration
    }

    /// Fails on the first key that was never asked for.
    func finish() throws {
        for key in table.keys where !used.contains(key) {
            let entry = table[key]!
            let what = if case .table = entry.value { "unknown section" } else { "unknown key" }
            throw error(key, line: entry.line, what)
        }
    }
}

/// Durations written as text: "250ms", "30s", "5m", "2h", or a bare number of seconds.
enum DurationParser {
    /// The longest duration a setting takes: far longer than any sensible one, far from overflowing milliseconds.
    static let maximum: Duration = .seconds(100 * 365 * 86_400)

    /// The duration `text` names, or nil when it names none or one past Int64 milliseconds.
    static func parse(_ text: String) -> Duration? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        for (suffix, scale) in units where trimmed.hasSuffix(suffix) {
            guard let number = Double(trimmed.dropLast(suffix.count)) else { return nil }
            return milliseconds(number * scale * 1000)
        }
        guard let seconds = Double(trimmed) else { return nil }
        return milliseconds(seconds * 1000)
    }

    private static func milliseconds(_ value: Double) -> Duration? {
        guard value.isFinite, let whole = Int64(exactly: value.rounded()) else { return nil }
        return .milliseconds(whole)
    }
}
