// tjctl's subcommands, one per admin task.
import ArgumentParser
import Foundation
import TablejohnKit

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show the daemon's repository, database, queue and sync state.")
    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        try connection.show(try connection.call("status")) { status in
            let sync = status["sync"]
            print("repository   \(Output.text(status["repository"]))")
            print("database     \(Output.text(status["database"]))")
            print("commits      \(Output.text(status["commits"])) (\(Output.text(status["reachable_commits"])) reachable)")
            print("refs         \(Output.text(status["refs"])), tracked: \(status["tracked_refs"]?.arrayValue?.map { Output.shortRef($0) }.joined(separator: ", ") ?? "-")")
            print("queue        \(Output.text(status["queue_length"]))")
            print("runs         \(Output.text(status["runs"]))")
            print("sync         \(Output.text(sync?["phase"])), last success \(Output.time(sync?["last_success"]))")
            if let error = sync?["last_error"], error != .null { print("last error   \(Output.text(error))") }
        }
    }
}

struct Fetch: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Fetch and import now, and wait for it.")
    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        try connection.show(try connection.call("repo.fetch")) { result in
            print("\(Output.text(result["new_commits"])) new commits, \(Output.text(result["refs_changed"])) refs changed, \(Output.text(result["queued"])) queued")
        }
    }
}

struct Refs: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List refs with their tips, tracked first.")
    @OptionGroup var connection: ConnectionOptions
    @Flag(help: "Only tracked refs.") var tracked = false

    func run() throws {
        let result = try connection.call("refs.list", tracked ? ["tracked": true] : [:])
        try connection.show(result) { refs in
            Output.table(["REF", "TRACKED", "TIP", "DATE", "MESSAGE"], refs.arrayValue?.map { ref in
                [Output.shortRef(ref["name"]), ref["tracked"] == .bool(true) ? "tracked" : "", Output.shortHash(ref["hash"]),
                 Output.time(ref["committer_time"]), String(Output.text(ref["summary"]).prefix(60))]
            } ?? [])
        }
    }
}

struct Track: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Track a ref: its new commits are queued automatically.")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "A ref, such as main or refs/tags/v1.") var ref: String

    func run() throws {
        try connection.show(try connection.call("refs.track", ["ref": .string(ref)])) { print("tracking \(Output.text($0["ref"]))") }
    }
}

struct Untrack: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Stop tracking a ref.")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "A tracked ref.") var ref: String

    func run() throws {
        try connection.show(try connection.call("refs.untrack", ["ref": .string(ref)])) { print("no longer tracking \(Output.text($0["ref"]))") }
    }
}

struct Backfill: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Queue the last N first-parent commits of a ref that have no runs yet.")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The ref whose history to benchmark.") var ref: String
    @Option(help: "How many first-parent commits to consider.") var last: Int
    @Option(help: "Queue priority (default -1: after new commits).") var priority: Int?

    func validate() throws {
        guard last > 0 else { throw ValidationError("--last must be at least 1") }
    }

    func run() throws {
        var params: JSONObject = ["ref": .string(ref), "last": JSONValue(last)]
        if let priority { params["priority"] = JSONValue(priority) }
        try connection.show(try connection.call("queue.backfill", params)) { result in
            print("queued \(Output.text(result["added"])) of \(result["commits"]?.arrayValue?.count ?? 0) commits without runs on \(Output.shortRef(result["ref"]))")
        }
    }
}

struct Metrics: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List metrics with their units and directions.")
    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        try connection.show(try connection.call("metrics.list")) { metrics in
            Output.table(["METRIC", "UNIT", "DIRECTION", "MEASUREMENTS"], metrics.arrayValue?.map { metric in
                [Output.text(metric["name"]), Output.text(metric["unit"]), Output.text(metric["direction"]), Output.text(metric["measurements"])]
            } ?? [])
        }
    }
}

struct MetricCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "metric", abstract: "Change a metric.", subcommands: [Set.self])

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Set a metric's unit and/or direction.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The metric's name.") var name: String
        @Option(help: "Its unit, such as ns or bytes.") var unit: String?
        @Option(help: "lower, higher or neutral: which way is better.") var direction: String?

        func validate() throws {
            guard unit != nil || direction != nil else { throw ValidationError("give --unit, --direction or both") }
            if let direction, MetricDirection(rawValue: direction) == nil {
                throw ValidationError("--direction must be lower, higher or neutral")
            }
        }

        func run() throws {
            var params: JSONObject = ["name": .string(name)]
            if let unit { params["unit"] = .string(unit) }
            if let direction { params["direction"] = .string(direction) }
            try connection.show(try connection.call("metrics.set", params)) { metric in
                print("\(Output.text(metric["name"])): unit \(Output.text(metric["unit"])), \(Output.text(metric["direction"])) is better")
            }
        }
    }
}

struct Runners: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List runners: state (a paused one with why it takes no work), current run, last seen, fingerprint.")
    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        try connection.show(try connection.call("runners.list")) { runners in
            Output.table(["RUNNER", "STATE", "RUN", "ADDED", "LAST SEEN", "FINGERPRINT"], runners.arrayValue?.map { runner in
                let fingerprint = runner["fingerprint"]?.objectValue?.entries.map { "\($0.key)=\(Output.text($0.value))" }
                let run = runner["run"]?["hash"]?.stringValue.map { String($0.prefix(12)) } ?? ""
                // A paused runner says why: "paused: only 1.20 GiB free on /tmp (needs 5 GiB)".
                let paused = runner["paused"]?.stringValue.map { ": " + Output.oneLine($0) } ?? ""
                return [Output.text(runner["name"]), Output.text(runner["state"]) + paused, run,
                        runner["created"] == .null ? "shared token" : Output.time(runner["created"]),
                        runner["last_seen"] == .null ? "never" : Output.time(runner["last_seen"]),
                        Output.oneLine(fingerprint?.joined(separator: " ") ?? "")]
            } ?? [])
        }
    }
}

struct RunnerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "runner", abstract: "Add or revoke a runner.",
                                                    subcommands: [Add.self, Revoke.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Allow a runner and print its token (shown once; only a hash is stored).")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The runner's name: letters, digits, dots, dashes or underscores.") var name: String

        func run() throws {
            try connection.show(try connection.call("runners.add", ["name": .string(name)])) { result in
                print(Output.text(result["token"]))
                FileHandle.standardError.write(Data("runner \(name) added; its token is shown above, once\n".utf8))
            }
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a runner's token; its next call is refused.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The runner's name.") var name: String

        func run() throws {
            try connection.show(try connection.call("runners.revoke", ["name": .string(name)])) { _ in
                print("revoked runner \(name)")
            }
        }
    }
}

/// Offline helper: validates a configuration file without starting anything.
struct CheckConfig: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Check a tablejohn configuration file and print the settings it yields (no daemon needed).")

    @Argument(help: ArgumentHelp("The TOML file to check.", valueName: "file"))
    var file: String

    func run() throws {
        do {
            let configuration = try TablejohnConfiguration.load(path: file)
            print("web.address = \(configuration.web.address)")
            print("web.runner-token = \(configuration.web.runnerToken == nil ? "(none: per-runner tokens only)" : "(set)")")
            print("web.runner-timeout = \(configuration.web.runnerTimeout)")
            print("web.public = \(configuration.web.isPublic ? "true (anyone may read)" : "false (reading needs a login)")")
            print("repo.path = \(configuration.repo.path ?? "(current directory)")")
            print("repo.url = \(configuration.repo.url ?? "(none: no fetching)")")
            print("repo.fetch-interval = \(configuration.repo.fetchInterval)")
            print("repo.refspecs = \(configuration.repo.refspecs.joined(separator: " "))")
            print("repo.hook-secret = \(configuration.repo.hookSecret == nil ? "(none: POST /api/hook is off)" : "(set: POST /api/hook fetches)")")
            switch configuration.bench.method {
            case .internalStatistics: print("bench.method = \(configuration.bench.method.name)")
            case .command(let command): print("bench.method = \(configuration.bench.method.name): \(command)")
            case .benchRepo(let path, let entry): print("bench.method = \(configuration.bench.method.name): \(entry) of \(path)")
            }
            print("bench.timeout = \(configuration.bench.timeout)")
            let runner = configuration.runner
            print("runner.name = \(runner.name ?? "(the host name)")")
            print("runner.work-dir = \(runner.workDirectory ?? "(a temporary directory)")")
            print("runner.ping-interval = \(runner.pingInterval)")
            for server in runner.servers {
                print("runner.server = \(server.url) weight \(server.weight)")
            }
            let archive = configuration.archive
            print("archive.after = \(archive.afterDays.map { "\($0) days (moved daily, newest \(archive.keepLast) runs kept)" } ?? "(none: tjctl archive move only)")")
        } catch let error as ConfigurationError {
            throw CallFailure(message: "\(error)")
        }
    }
}
