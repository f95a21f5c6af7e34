// The daemon's settings, every one with a default, as read from the TOML file and flags.
import Foundation

/// Settings shared by `tablejohnd serve` and later by `tablejohnd runner`.
public struct TablejohnConfiguration: Sendable, Equatable {
    public struct Web: Sendable, Equatable {
        /// Where the HTTP server listens.
        public var address = SocketAddressSetting(host: "127.0.0.1", port: 8221)
    }

    public struct Repo: Sendable, Equatable {
        /// The repository (bare, or any directory inside a checkout). Default: the current directory.
        public var path: String?
        /// When set, the repository is a bare clone of this URL that tablejohn fetches into.
        public var url: String?
        /// How often to fetch and import.
        public var fetchInterval: Duration = .seconds(60)
        /// What to fetch from `url`.
        public var refspecs: [String] = GitRepository.defaultRefspecs
    }

    public struct Bench: Sendable, Equatable {
        public enum Method: Sendable, Equatable {
            /// Files, lines and TODOs of the commit's tree.
            case internalStatistics
            /// A shell command run in the checked-out commit.
            case command(String)
        }

        public var method = Method.internalStatistics
        /// How long one run may take before the runner kills it.
        public var timeout: Duration = .seconds(3600)

        public init() {}
    }

    public var web = Web()
    public var repo = Repo()
    public var bench = Bench()

    public init() {}
}

/// `HOST:PORT`, as written in the config file and on the command line.
public struct SocketAddressSetting: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `HOST:PORT`, `[IPv6]:PORT` or `:PORT` (all interfaces).
    public init?(parsing text: String) {
        guard let colon = text.lastIndex(of: ":"),
              let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        self.init(host: host.isEmpty ? "0.0.0.0" : host, port: port)
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
