// The tjctl executable: tablejohn's admin command line.
import ArgumentParser
import Foundation
import TablejohnKit

@main
struct Tjctl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tjctl",
        abstract: "Administer a tablejohn instance.",
        subcommands: [CheckConfig.self])
}

/// Offline helper: validates a configuration file without starting anything.
struct CheckConfig: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Check a tablejohn configuration file and print the settings it yields.")

    @Argument(help: ArgumentHelp("The TOML file to check.", valueName: "file"))
    var file: String

    func run() throws {
        do {
            let configuration = try TablejohnConfiguration.load(path: file)
            print("web.address = \(configuration.web.address)")
            print("repo.path = \(configuration.repo.path ?? "(current directory)")")
            print("repo.url = \(configuration.repo.url ?? "(none: no fetching)")")
            print("repo.fetch-interval = \(configuration.repo.fetchInterval)")
            print("repo.refspecs = \(configuration.repo.refspecs.joined(separator: " "))")
        } catch let error as ConfigurationError {
            FileHandle.standardError.write(Data("tjctl: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}
