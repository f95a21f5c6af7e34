// Reading TablejohnConfiguration from a TOML file, with errors that name file, line and key.
import Foundation

/// A configuration problem, located as precisely as possible.
public struct ConfigurationError: Error, Equatable, CustomStringConvertible {
    var file: String
    var line: Int?
    var key: String?
    var message: String

    public var description: String {
        var location = file
        if let line { location += ":\(line)" }
        if let key { return "\(location): \(key): \(message)" }
        return "\(location): \(message)"
    }
}

extension TablejohnConfiguration {
    /// The largest configuration file read: a real one is a few kilobytes, and a bound keeps
    /// `--config /dev/zero` (or a log file named by mistake) from filling the memory.
    static let maximumFileBytes = 1 << 20

    /// Reads the file at `path`. Keys not mentioned keep their defaults; unknown keys are errors.
    public static func load(path: String) throws -> TablejohnConfiguration {
        let data: Data
        do {
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            data = try handle.read(upToCount: maximumFileBytes + 1) ?? Data()
        } catch {
            throw ConfigurationError(file: path, message: "cannot read the file")
        }
        return try parse(data, file: path)
    }

    /// Parses configuration text; `file` names it in errors.
    static func parse(_ text: String, file: String) throws -> TablejohnConfiguration {
        try parse(Data(text.utf8), file: file)
    }

    /// Parses the bytes of a configuration file (TOML 1.0, read by toml++); `file` names it in errors.
    static func parse(_ bytes: Data, file: String) throws -> TablejohnConfiguration {
        guard bytes.count <= maximumFileBytes else {
            throw ConfigurationError(file: file, message: "the file is larger than 1 MiB; a configuration is a few kilobytes")
        }
        let root: TOMLTable
        do {
            root = try TOMLParser.parse(bytes: bytes)
        } catch {
            throw ConfigurationError(file: file, line: error.line > 0 ? error.line : nil, message: error.message)
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
            if let idle = try web.duration("idle-timeout") { configuration.web.idleTimeout = idle }
            if let connections = try web.wholeNumber("max-connections", in: 1...100_000) { configuration.web.maxConnections = connections }
            if let hosts = try web.strings("allowed-hosts") {
                for host in hosts.value where host != "*" && HostPolicy.host(of: host) != host.lowercased() {
                    throw web.error("allowed-hosts", line: hosts.line,
                                    "\(host.debugDescription) is not a host name or address (no port, no scheme), or \"*\" for any")
                }
                configuration.web.allowedHosts = hosts.value
            }
            if let url = try web.string("public-url") {
                let trimmed = url.value.hasSuffix("/") ? String(url.value.dropLast()) : url.value
                guard let parts = URLComponents(string: trimmed), ["http", "https"].contains(parts.scheme ?? ""), parts.host?.isEmpty == false,
                      parts.query == nil, parts.fragment == nil, !trimmed.contains(where: { $0 == "|" || $0 == ">" || $0 == "<" || $0.isWhitespace }) else {
                    throw web.error("public-url", line: url.line,
                                    "expected the http:// or https:// address people open the pages at, such as \"https://bench.example.com\"; found \(url.value.debugDescription)")
                }
                configuration.web.publicURL = trimmed
            }
            if let metrics = try web.bool("metrics") { configuration.web.metrics = metrics }
            if let token = try web.string("metrics-token") {
                guard token.value.utf8.count >= 16, !token.value.hasControlCharacters else {
                    throw web.error("metrics-token", line: token.line, "must be at least 16 characters without control characters, e.g. from openssl rand -hex 32")
                }
                configuration.web.metricsToken = token.value
            }
            if let path = try web.string("base-path") {
                do {
                    configuration.web.basePath = try BasePath(parsing: path.value)
                } catch {
                    throw web.error("base-path", line: path.line, error.description)
                }
            }
            try web.finish()
        }
        if var repo = try top.section("repo") {
            configuration.repo.path = try repo.string("path")?.value
            configuration.repo.url = try repo.string("url")?.value
            if let interval = try repo.duration("fetch-interval") { configuration.repo.fetchInterval = interval }
            if let timeout = try repo.duration("fetch-timeout") { configuration.repo.fetchTimeout = timeout }
            if let entries = try repo.count("archive-max-entries") { configuration.repo.archiveLimits.entries = entries }
            if let bytes = try repo.byteSize("archive-max-bytes") { configuration.repo.archiveLimits.bytes = bytes }
            if let bytes = try repo.byteSize("archive-max-blob") { configuration.repo.archiveLimits.blobBytes = bytes }
            if let depth = try repo.count("archive-max-depth") { configuration.repo.archiveLimits.depth = depth }
            if let refspecs = try repo.strings("refspecs") {
                guard !refspecs.value.isEmpty else { throw repo.error("refspecs", line: refspecs.line, "needs at least one refspec") }
                configuration.repo.refspecs = refspecs.value
            }
            if let secret = try repo.string("hook-secret") {
                guard let valid = HookSecret(secret.value) else {
                    throw repo.error("hook-secret", line: secret.line,
                                     "must be at least \(HookSecret.minimumLength) characters, such as the output of `openssl rand -hex 32`")
                }
                configuration.repo.hookSecret = valid
            }
            try repo.finish()
        }
        if var bench = try top.section("bench") {
            let command = try bench.string("command")
            let benchRepo = try bench.string("repo")
            let entry = try bench.string("entry")
            let method = try bench.string("method")
            switch method.map({ (BenchMethodKind(recordedName: $0.value), $0.line) }) {
            case nil where command != nil, (.command?, _)?:
                guard let command, !command.value.trimmingCharacters(in: .whitespaces).isEmpty else {
                    throw bench.error("command", line: command?.line, "method \"command\" needs a command to run, such as \"make bench\"")
                }
                configuration.bench.method = .command(command.value)
            case (.benchRepo?, let line)?:
                guard let benchRepo, !benchRepo.value.isEmpty else {
                    throw bench.error("repo", line: benchRepo?.line ?? line, "method \"bench-repo\" needs repo = \"/path/to/the/bench/repository\"")
                }
                let entryPath = entry?.value ?? "bench.sh"
                guard !entryPath.isEmpty, !entryPath.hasPrefix("/"), !entryPath.split(separator: "/").contains("..") else {
                    throw bench.error("entry", line: entry?.line, "must be a path inside the bench repository, such as \"run.sh\"")
                }
                configuration.bench.method = .benchRepo(path: benchRepo.value, entry: entryPath)
            case nil, (.internal?, _)?:
                break
            case (nil, let line)?:
                throw bench.error("method", line: line, "expected \(BenchMethodKind.recordedNamesText), found \"\(method?.value ?? "")\"")
            }
            if let command, configuration.bench.method.kind != .command {
                throw bench.error("command", line: command.line, "is only used with method = \"\(BenchMethodKind.command.recordedName)\"")
            }
            for (key, value) in [("repo", benchRepo), ("entry", entry)] where value != nil && configuration.bench.method.kind != .benchRepo {
                throw bench.error(key, line: value?.line, "is only used with method = \"\(BenchMethodKind.benchRepo.recordedName)\"")
            }
            if let timeout = try bench.duration("timeout") { configuration.bench.timeout = timeout }
            if let backfill = try bench.wholeNumber("initial-backfill", in: 0...10_000, of: "commits") {
                configuration.bench.initialBackfill = backfill
            }
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
            for key in ["webhook", "slack"] {
                guard let urls = try hooks.stringOrStrings(key) else { continue }
                for url in urls.value where !(url.hasPrefix("http://") || url.hasPrefix("https://")) {
                    throw hooks.error(key, line: urls.line, "expected http:// or https:// URLs, found \"\(url)\"")
                }
                if key == "webhook" { configuration.hooks.webhooks = urls.value } else { configuration.hooks.slack = urls.value }
            }
            try hooks.finish()
        }
        if var sql = try top.section("sql") {
            configuration.sql = try sqlSettings(&sql)
        }
        if var archive = try top.section("archive") {
            if let after = try archive.string("after") {
                guard let days = ArchiveCutoff.days(after.value) else {
                    throw archive.error("after", line: after.line, "expected an age such as \"180d\" or \"26w\" (at most \(ArchiveCutoff.maximumDays) days), found \"\(after.value)\"")
                }
                configuration.archive.afterDays = days
            }
            if let keep = try archive.wholeNumber("keep-last", in: 0...100_000_000, of: "runs") { configuration.archive.keepLast = keep }
            try archive.finish()
        }
        try top.finish()
        return configuration
    }
}

extension TablejohnConfiguration {
    /// `[sql]`: what one `tjctl sql` may cost.
    static func sqlSettings(_ section: inout SectionReader) throws -> UserQueryLimits {
        var limits = UserQueryLimits()
        if let timeout = try section.duration("timeout") {
            guard timeout <= .seconds(600) else { throw section.error("timeout", line: section.table["timeout"]?.line, "expected at most 10 minutes") }
            limits.timeout = timeout
        }
        if let rows = try section.wholeNumber("max-rows", in: 1...1_000_000, of: "rows") { limits.maximumRows = rows }
        try section.finish()
        return limits
    }

    static func detectSettings(_ section: inout SectionReader) throws -> Detect {
        var detect = Detect()
        if let enabled = try section.bool("enabled") { detect.enabled = enabled }
        if let interval = try section.duration("interval") { detect.interval = interval }
        if let window = try section.wholeNumber("window", in: 10...1_000_000, of: "commits") { detect.window = window }
        if let priority = try section.number("priority") {
            guard abs(priority.value) <= 1_000_000, priority.value == priority.value.rounded() else {
                throw section.error("priority", line: priority.line, "expected a whole number")
            }
            detect.priority = Int(priority.value)
        }
        if let timeout = try section.duration("affinity-timeout") { detect.affinityTimeout = timeout }
        if let reruns = try section.wholeNumber("max-reruns", in: 1...1000, of: "re-runs") { detect.maxReruns = reruns }
        if let confidence = try section.number("confidence") {
            guard confidence.value >= 0.5, confidence.value < 1 else {
                throw section.error("confidence", line: confidence.line, "expected a number from 0.5 up to (not including) 1, such as 0.99")
            }
            detect.confidence = confidence.value
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
        if let machine = try section.string("machine") {
            guard !machine.value.isEmpty, machine.value.utf8.count <= 200 else {
                throw section.error("machine", line: machine.line, "expected a label of 1 to 200 bytes")
            }
            runner.machine = machine.value
        }
        if let entries = try section.stringOrStrings("min-free") {
            for entry in entries.value {
                switch DiskThreshold.parse(entry) {
                case .success(let threshold): runner.minFree.append(threshold)
                case .failure(let error): throw section.error("min-free", line: entries.line, error.description)
                }
            }
        }
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
                // Weights are summed to pick a server: a bound keeps the sum finite.
                guard weight.value <= 1_000_000 else { throw server.error("weight", line: weight.line, "must be at most 1000000") }
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

    /// A positive integer.
    mutating func count(_ key: String) throws -> Int? {
        guard let entry = entry(key) else { return nil }
        guard case .integer(let value) = entry.value, value > 0 else {
            throw error(key, line: entry.line, "expected a positive integer such as 1_000_000, found \(entry.value.typeName)")
        }
        return Int(value)
    }

    /// A positive number of bytes: an integer, or a string such as "4G", "512M", "64K".
    mutating func byteSize(_ key: String) throws -> Int64? {
        guard let entry = entry(key) else { return nil }
        let expected = "expected a positive size such as \"4G\", \"512M\" or a number of bytes"
        switch entry.value {
        case .integer(let bytes) where bytes > 0:
            return Int64(bytes)
        case .string(let text):
            guard let bytes = ByteSizeParser.parse(text), bytes > 0 else { throw error(key, line: entry.line, "\(expected), found \"\(text)\"") }
            return bytes
        default:
            throw error(key, line: entry.line, "\(expected), found \(entry.value.typeName)")
        }
    }

    /// A whole number in `range`; `what` names what it counts in the error ("commits").
    mutating func wholeNumber(_ key: String, in range: ClosedRange<Int>, of what: String? = nil) throws -> Int? {
        guard let number = try number(key) else { return nil }
        guard number.value >= Double(range.lowerBound), number.value <= Double(range.upperBound),
              number.value == number.value.rounded() else {
            throw error(key, line: number.line,
                        "expected a whole number\(what.map { " of \($0)" } ?? "") from \(range.lowerBound) to \(range.upperBound)")
        }
        return Int(number.value)
    }

    /// A positive duration of at most `DurationParser.maximum` (30 days): an integer number
    /// of seconds, or a string such as "90s", "5m", "2h", "500ms". The bound keeps every
    /// use (milliseconds on the wire, `10 * ping` and the like) far from overflowing.
    mutating func duration(_ key: String) throws -> Duration? {
        guard let entry = entry(key) else { return nil }
        let expected = "expected a positive duration such as 60 (seconds) or \"5m\""
        let tooLong = "is longer than 30 days (\(DurationParser.maximumSeconds) seconds), the most a duration may be"
        switch entry.value {
        case .integer(let seconds) where seconds > 0:
            guard seconds <= DurationParser.maximumSeconds else { throw error(key, line: entry.line, "\(seconds) seconds \(tooLong)") }
            return .seconds(seconds)
        case .string(let text):
            switch DurationParser.parse(text) {
            case .valid(let duration): return duration
            case .tooLong: throw error(key, line: entry.line, "\"\(text)\" \(tooLong)")
            case .invalid: throw error(key, line: entry.line, "\(expected), found \"\(text)\"")
            }
        default:
            throw error(key, line: entry.line, "\(expected), found \(entry.value.typeName)")
        }
    }

    /// Fails on the first key that was never asked for.
    func finish() throws {
        for key in table.keys where !used.contains(key) {
            let entry = table[key]!
            let what = if case .table = entry.value { "unknown section" } else { "unknown key" }
            // A quoted key may hold any character; the error stays one readable line.
            throw error(key.hasControlCharacters ? key.debugDescription : key, line: entry.line, what)
        }
    }
}

/// Durations written as text: "250ms", "30s", "5m", "2h", or a bare number of seconds.
enum DurationParser {
    /// The longest duration a setting may have: 30 days.
    static let maximumSeconds: Int64 = 30 * 86_400

    enum Result: Equatable {
        case valid(Duration)
        /// A positive number beyond `maximumSeconds` (checked before any conversion, so
        /// "1e300s" is an error rather than an overflow).
        case tooLong
        case invalid
    }

    static func parse(_ text: String) -> Result {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        var number: Double?
        var scale = 1.0
        if let unit = units.first(where: { trimmed.hasSuffix($0.0) }) {
            number = Double(trimmed.dropLast(unit.0.count))
            scale = unit.1
        } else {
            number = Double(trimmed)
        }
        guard let number, number.isFinite, number > 0 else { return .invalid }
        let seconds = number * scale
        guard seconds <= Double(maximumSeconds) else { return .tooLong }
        let milliseconds = Int64((seconds * 1000).rounded())
        return milliseconds > 0 ? .valid(.milliseconds(milliseconds)) : .invalid
    }
}

/// Sizes written as text: "4G", "512M", "64K" (powers of 1024, an optional B or iB), or bytes.
enum ByteSizeParser {
    static func parse(_ text: String) -> Int64? {
        var trimmed = Substring(text.trimmingCharacters(in: .whitespaces).uppercased())
        if trimmed.hasSuffix("IB") { trimmed = trimmed.dropLast(2) } else if trimmed.hasSuffix("B") { trimmed = trimmed.dropLast() }
        let shifts: [Character: Int64] = ["K": 10, "M": 20, "G": 30, "T": 40]
        var shift: Int64 = 0
        if let last = trimmed.last, let found = shifts[last] {
            shift = found
            trimmed = trimmed.dropLast()
        }
        guard let number = Int64(trimmed), number >= 0 else { return nil }
        let (bytes, overflow) = number.multipliedReportingOverflow(by: 1 << shift)
        return overflow ? nil : bytes
    }
}
