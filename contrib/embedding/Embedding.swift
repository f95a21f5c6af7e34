// Embedding tablejohn: the detector, a server and a runner run in-process by a Swift program.
//
// Built with the package (target `tablejohn-embedding`), so CI compiles it against the
// library's public API on every change. Usage:
//   tablejohn-embedding detect 10 10.1 9.9 10 12 12.1 11.9 12     change points of a series
//   tablejohn-embedding serve REPO PORT                            a server with a runner in this process
//   tablejohn-embedding runner URL TOKEN NAME                      a runner for a server elsewhere
import Foundation
import Logging
import ServiceLifecycle
import TablejohnKit

@main
struct Embedding {
    static func main() async throws {
        let arguments = Array(CommandLine.arguments.dropFirst())
        switch arguments.first {
        case "detect":
            try detect(arguments.dropFirst().compactMap(Double.init))
        case "serve" where arguments.count == 3:
            try await serve(repository: arguments[1], port: Int(arguments[2]) ?? 8221)
        case "runner" where arguments.count == 4:
            try await runner(server: arguments[1], token: arguments[2], name: arguments[3])
        default:
            FileHandle.standardError.write(Data("usage: tablejohn-embedding detect VALUE… | serve REPO PORT | runner URL TOKEN NAME\n".utf8))
            exit(2)
        }
    }

    /// The change-point detector on values in commit order: no database, no daemon.
    static func detect(_ values: [Double]) throws {
        let detector = ChangePointDetector(configuration: .standard, direction: .lower)
        let result = try detector.detect(values)
        for change in result.changes {
            print("change at \(change.index): \(change.levelBefore) -> \(change.levelAfter) (\(change.kind.rawValue))")
        }
        if result.changes.isEmpty { print("no change") }
    }

    /// What `tablejohnd serve --local-runner` does: the repository watcher, the database
    /// (beside the repository's git directory), the web server, the control socket and a
    /// runner, until SIGTERM or SIGINT.
    static func serve(repository: String, port: Int) async throws {
        let options = ServeOptions(repoPath: repository, address: SocketAddressSetting(host: "127.0.0.1", port: port), localRunner: true)
        let daemon = try ServeDaemon.prepare(options, logger: Logger(label: "embedding"))
        try await daemon.run()
    }

    /// What `tablejohnd runner` does for one server: the runner is a ServiceLifecycle
    /// `Service`, here in a group of its own that ends it on SIGTERM or SIGINT (a program
    /// would add its own services to the group).
    static func runner(server: String, token: String, name: String) async throws {
        let logger = Logger(label: "embedding")
        let settings = RunnerDaemon.Settings(name: name, pingInterval: .seconds(2),
                                             servers: [.init(url: server, token: token)])
        let group = ServiceGroup(configuration: .init(services: [RunnerDaemon(settings: settings, logger: logger)],
                                                      gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
