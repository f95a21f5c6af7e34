// tjctl user add/passwd/remove and tjctl users: the accounts that log in to the web pages.
import ArgumentParser
import Foundation
import TablejohnKit

struct Users: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List web users: admin or not, when added, open sessions.")
    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        try connection.show(try connection.call("users.list")) { users in
            Output.table(["USER", "ADMIN", "ADDED", "SESSIONS"], users.arrayValue?.map { user in
                [Output.text(user["name"]), Output.text(user["admin"]), Output.time(user["created"]), Output.text(user["sessions"])]
            } ?? [])
        }
    }
}

struct UserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Add, remove or change the password of a web user.",
        discussion: """
            Passwords are asked for twice without echo on a terminal. When standard input is \
            not a terminal (or with --password-stdin), its first line is the password, so \
            scripts can run: printf '%s\\n' "$PASSWORD" | tjctl user add NAME --admin
            """,
        subcommands: [Add.self, Passwd.self, Remove.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a user who can log in to the web pages; admins may also change refs and the queue.")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var password: PasswordOptions
        @Argument(help: "The login name: 1 to 64 characters, no control characters.") var name: String
        @Flag(help: "Allow the user to track refs, change the queue and fetch.") var admin = false

        func validate() throws { try PasswordOptions.check(name: name) }

        func run() throws {
            let secret = try password.read(for: name)
            let params: JSONObject = ["name": .string(name), "password": .string(secret), "admin": .bool(admin)]
            try connection.show(try connection.call("users.add", params)) { _ in
                print("added user \(Output.oneLine(name))\(admin ? " (admin)" : "")")
            }
        }
    }

    struct Passwd: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change a user's password; their open sessions end.")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var password: PasswordOptions
        @Argument(help: "The user's name.") var name: String

        func run() throws {
            let secret = try password.read(for: name)
            try connection.show(try connection.call("users.passwd", ["name": .string(name), "password": .string(secret)])) { _ in
                print("changed the password of \(Output.oneLine(name)); their sessions have ended")
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a user; their open sessions end.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The user's name.") var name: String

        func run() throws {
            try connection.show(try connection.call("users.remove", ["name": .string(name)])) { _ in
                print("removed user \(Output.oneLine(name))")
            }
        }
    }
}

/// Where a new password comes from: the terminal (asked twice, not echoed) or standard input.
struct PasswordOptions: ParsableArguments {
    @Flag(help: "Read the password from the first line of standard input, even on a terminal.")
    var passwordStdin = false

    static func check(name: String) throws {
        do {
            try UserAccount.validate(name: name)
        } catch {
            throw ValidationError(error.description)
        }
    }

    func read(for name: String) throws -> String {
        let password: String
        if passwordStdin || isatty(STDIN_FILENO) == 0 {
            guard let line = readLine(strippingNewline: true) else {
                throw CallFailure(message: "no password on standard input; nothing changed")
            }
            password = line
        } else {
            password = try Self.prompt("Password for \(Output.oneLine(name)): ")
            guard try Self.prompt("Same password again: ") == password else {
                throw CallFailure(message: "the passwords differ; nothing changed")
            }
        }
        do {
            try UserAccount.validate(password: password)
        } catch {
            throw CallFailure(message: "\(error.description); nothing changed")
        }
        return password
    }

    /// Asks on standard error and reads a line from the terminal with echo off.
    private static func prompt(_ text: String) throws -> String {
        FileHandle.standardError.write(Data(text.utf8))
        var saved = termios()
        let canHideInput = tcgetattr(STDIN_FILENO, &saved) == 0
        if canHideInput {
            var silent = saved
            silent.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent)
        }
        defer {
            if canHideInput { tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved) }
            FileHandle.standardError.write(Data("\n".utf8))
        }
        guard let line = readLine(strippingNewline: true) else { throw CallFailure(message: "no password given; nothing changed") }
        return line
    }
}
