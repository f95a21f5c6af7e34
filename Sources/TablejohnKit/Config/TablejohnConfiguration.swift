// The daemon's settings, every one with a default, as read from the TOML file and flags.
import Foundation

/// Settings shared by `tablejohnd serve` and later by `tablejohnd runner`.
public struct TablejohnConfiguration: Sendable, Equatable {
    public struct Web: Sendable, Equatable {
        /// Where the HTTP server listens.
        public var address = SocketAddressSetting(host: "127.0.0.1", port: 8221)
        /// A token any runner may use with any name, besides the per-runner tokens.
        public var runnerToken: String?
        /// A runner silent this long loses its reservation (its late result is still accepted).
        public var runnerTimeout: Duration = .seconds(60)
        /// Whether reading pages, graphs and exports is open to anyone (true) or needs a
        /// login (false). Admin actions always need an admin login.
        public var isPublic = true
        /// A connection with no request in flight, or one sending its request head too
        /// slowly, is closed after this long.
        var idleTimeout: Duration = .seconds(30)
        /// Connections served at once; further ones wait in the listen queue. The daemon's
        /// descriptors are shared with SQLite and libgit2, so slow clients must not take them all.
        var maxConnections = 512
        /// Host names, besides the listen address and loopback names, that requests may
        /// name in `Host` (a reverse proxy's public name); "*" allows any.
        var allowedHosts: [String] = []
        /// Where people reach the pages (a reverse proxy's address), without a trailing
        /// slash: links in chat messages point there.
        var publicURL: String?
        /// Whether `GET /metrics` serves Prometheus metrics (with the pages' access).
        var metrics = true
        /// A bearer token that opens `/metrics` on a private instance, for scrapers.
        var metricsToken: String?
        /// The path a reverse proxy serves everything under (`/tablejohn`); the root by default.
        var basePath = BasePath.root
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
        /// A fetch whose remote stays silent this long fails (and is retried next round).
        var fetchTimeout: Duration = .seconds(300)
        /// How large a commit's tree may expand to when a runner asks for it.
        var archiveLimits = TreeArchiveLimits()
        /// The secret a forge's push hook (`POST /api/hook`) is signed with; nil: the hook is off.
        public var hookSecret: HookSecret?
    }

    public struct Bench: Sendable, Equatable {
        public enum Method: Sendable, Equatable {
            /// Files, lines and TODOs of the commit's tree.
            case internalStatistics
            /// A shell command run in the checked-out commit.
            case command(String)
            /// `entry` of a second repository's tree (at its HEAD when the run starts),
            /// run in the checked-out commit.
            case benchRepo(path: String, entry: String)

            var kind: BenchMethodKind {
                switch self {
                case .internalStatistics: .internal
                case .command: .command
                case .benchRepo: .benchRepo
                }
            }

            /// The name runs record: `internal`, `command` or `bench-repo`.
            public var name: String { kind.recordedName }
        }

        public var method = Method.internalStatistics
        /// The scripts' result format; nil: detected from what they write.
        var format: ResultFormat?
        /// How long one run may take before the runner kills it.
        public var timeout: Duration = .seconds(3600)
        /// With a local runner and no runs yet, this many recent commits of the tracked
        /// branch are queued once, so the first start shows graphs; 0 turns it off.
        var initialBackfill = 20

        init() {}
    }

    /// Settings of `tablejohnd runner` (and of the local runner of `serve --local-runner`).
    public struct Runner: Sendable, Equatable {
        /// One server the runner works for.
        public struct Server: Sendable, Equatable {
            public var url: String
            var token: String
            /// The runner divides its time between servers in proportion to their weights.
            public var weight: Double = 1

            public init(url: String, token: String, weight: Double = 1) {
                self.url = url
                self.token = token
                self.weight = weight
            }
        }

        /// The runner's name on its servers. Default: the host name.
        public var name: String?
        /// Where runs are unpacked. Default: a new temporary directory, removed on exit.
        public var workDirectory: String?
        /// How often the runner calls each server.
        public var pingInterval: Duration = .seconds(2)
        /// Free-form text sent with every status call (`info`).
        var info: String?
        /// A label added to the runner's fingerprint (`"machine"`), telling apart machines
        /// that look alike, or runners meant as different machines on one host.
        var machine: String?
        /// Disk gates: no new work while a path has less free space than its threshold.
        var minFree: [DiskThreshold] = []
        public var servers: [Server] = []

        init() {}
    }

    /// Change detection (SPEC §9).
    public struct Detect: Sendable, Equatable {
        /// Whether the daemon looks for changes at all.
        var enabled = true
        /// How often it checks for new results.
        var interval: Duration = .seconds(5)
        /// How many commits of each tracked ref's first-parent history are scanned.
        var window = 1000
        /// The queue priority of bisection and confirmation runs (new commits get 0).
        var priority = 10
        /// How long bisection and confirmation runs wait for their machine: past this without
        /// a runner of that machine, they go to any runner and the change is marked
        /// unconfirmable on that machine.
        var affinityTimeout: Duration = .seconds(3600)
        /// The most re-runs of each side (parent and commit) confirming a regression takes.
        var maxReruns = 9
        /// How sure the rank test on the re-runs must be to call them different (or, once
        /// they can no longer get there, alike).
        var confidence = 0.99

        public init() {}
    }

    /// Where confirmed regressions are announced.
    struct Hooks: Sendable, Equatable {
        /// URLs that receive a JSON POST per confirmed regression.
        var webhooks: [String] = []
        /// Incoming-webhook URLs of chat channels (Slack, Mattermost, …) that get a short message per confirmed regression.
        var slack: [String] = []

        /// Every URL a confirmed regression is delivered to.
        var all: [String] { webhooks + slack.filter { !webhooks.contains($0) } }

        init() {}
    }

    public var web = Web()
    public var repo = Repo()
    public var bench = Bench()
    public var runner = Runner()
    var detect = Detect()
    var hooks = Hooks()
    /// `[sql]`: the time and row limits of `tjctl sql`.
    var sql = UserQueryLimits()

    /// `[archive]`: moving old runs into the archive database on their own.
    public struct Archive: Sendable, Equatable {
        /// Runs older than this many days move to the archive once a day; nil: only by hand.
        public var afterDays: Int64?
        /// The newest this many runs stay live however old (`tjctl archive move --keep-last`).
        public var keepLast = 0

        init() {}
    }

    public var archive = Archive()

    init() {}
}

/// `HOST:PORT`, as written in the config file and on the command line.
public struct SocketAddressSetting: Sendable, Equatable, CustomStringConvertible {
    var host: String
    var port: Int

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
