// tjctl queue: list, add, remove, prio.
import ArgumentParser
import TablejohnKit

struct Queue: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show or change the queue of commits waiting to be benchmarked.",
        subcommands: [List.self, Add.self, Remove.self, Prio.self],
        defaultSubcommand: List.self)

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List queued commits in the order runners take them.")
        @OptionGroup var connection: ConnectionOptions
        @Option(help: "At most this many.") var limit: Int = 100

        /// "any", or the runner (else fingerprint) a bisection or confirmation run waits for.
        static func machine(_ value: JSONValue?) -> String {
            guard let value, value != .null else { return "any" }
            return MachineAffinity(fingerprint: value["fingerprint"]?.stringValue, runner: value["runner"]?.stringValue).label
        }

        func run() throws {
            try connection.show(try connection.call("queue.list", ["limit": JSONValue(limit)])) { entries in
                Output.table(["#", "COMMIT", "PRIORITY", "DATE", "MACHINE", "MESSAGE"], (entries.arrayValue ?? []).enumerated().map { index, entry in
                    [String(index + 1), Output.shortHash(entry["hash"]), Output.text(entry["priority"]),
                     Output.time(entry["committer_time"]), Self.machine(entry["machine"]), String(Output.text(entry["summary"]).prefix(60))]
                })
            }
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Queue a commit, a ref's tip, or a range A..B.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "A commit (abbreviated hashes, HEAD~3), a ref, or A..B.") var rev: String
        @Option(help: "Higher runs first.") var priority: Int = 0

        func run() throws {
            let result = try connection.call("queue.add", ["rev": .string(rev), "priority": JSONValue(priority)])
            try connection.show(result) { result in
                print("queued \(Output.text(result["added"])) commits (\(Output.text(result["already_queued"])) already queued) at priority \(Output.text(result["priority"]))")
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Take a commit out of the queue.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "A queued commit.") var rev: String

        func run() throws {
            try connection.show(try connection.call("queue.remove", ["rev": .string(rev)])) { print("removed \(Output.shortHash($0["removed"]))") }
        }
    }

    struct Prio: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change a queued commit's priority.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "A queued commit.") var rev: String
        @Argument(help: "The new priority; higher runs first.") var priority: Int

        func run() throws {
            let result = try connection.call("queue.prioritize", ["rev": .string(rev), "priority": JSONValue(priority)])
            try connection.show(result) { print("\(Output.shortHash($0["hash"])) now has priority \(Output.text($0["priority"]))") }
        }
    }
}
