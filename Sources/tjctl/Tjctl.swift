// The tjctl executable: tablejohn's admin command line, speaking JSON-RPC over the control socket.
import ArgumentParser
import Foundation
import TablejohnKit

@main
struct Tjctl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tjctl",
        abstract: "Administer a running tablejohnd through its control socket.",
        discussion: """
            The socket is found from --socket, then $TABLEJOHN_SOCKET, then the repository in \
            the current directory (.git/tablejohn/tablejohn.sock).
            Exit codes: 0 success, 1 the call failed, 2 usage error, 75 the daemon's database \
            is busy or unavailable (try again later).
            Shell completions: tjctl --generate-completion-script bash|zsh|fish
            """,
        subcommands: [
            Status.self, Fetch.self, Refs.self, Track.self, Untrack.self, Queue.self, Backfill.self,
            Runs.self, RunCommand.self, Export.self, Submit.self, Import.self, Metrics.self, MetricCommand.self, Runners.self, RunnerCommand.self,
            Users.self, UserCommand.self, Changes.self, CompareCommand.self, DetectCommand.self, CheckConfig.self, SQL.self, Backup.self, Archive.self,
        ])

    /// Usage errors exit with 2 (ArgumentParser's default is 64); failed calls with 1.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let failure as CallFailure {
            FileHandle.standardError.write(Data("tjctl: \(failure.message)\n".utf8))
            Foundation.exit(failure.exitCode)
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}

/// A call that failed, with the one line to print and the exit code.
struct CallFailure: Error {
    var message: String
    /// 1, or 75 (EX_TEMPFAIL) when the daemon said to try again later.
    var exitCode: Int32 = 1

    /// The daemon's error reply as tjctl reports it.
    init(_ error: RPCError) {
        self.message = error.message
        self.exitCode = error.code == RPCError.tryAgainCode ? 75 : 1
    }

    init(message: String) {
        self.message = message
    }
}

/// Options every command that talks to the daemon shares.
struct ConnectionOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The daemon's control socket.", valueName: "path"))
    var socket: String?

    @Flag(help: "Print the daemon's JSON reply instead of a table.")
    var json = false

    var socketPath: String { Self.locateSocket(socket) }

    /// --socket, then $TABLEJOHN_SOCKET, then the socket of the repository in the current directory.
    static func locateSocket(_ socket: String?) -> String {
        if let socket { return socket }
        if let environment = ProcessInfo.processInfo.environment["TABLEJOHN_SOCKET"], !environment.isEmpty { return environment }
        if let repository = try? GitRepository(opening: FileManager.default.currentDirectoryPath) {
            return ServeDaemon.defaultSocketPath(database: ServeDaemon.defaultDatabasePath(for: repository))
        }
        return ".git/tablejohn/tablejohn.sock"
    }

    /// Connects and calls `method`, turning every failure into a `CallFailure`.
    func call(_ method: String, _ params: JSONObject = [:]) throws -> JSONValue {
        do {
            let client = try RPCClient(socketPath: socketPath)
            return try client.call(method, params)
        } catch let error as RPCError {
            throw CallFailure(error)
        } catch {
            throw CallFailure(message: "\(error)")
        }
    }

    /// Prints `result` as JSON with --json, else runs `human`.
    func show(_ result: JSONValue, human: (JSONValue) -> Void) throws {
        if json {
            print(try result.jsonString())
        } else {
            human(result)
        }
    }
}
