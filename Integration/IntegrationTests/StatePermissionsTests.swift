import Foundation
import Testing
import TestSupport

@Suite("tablejohnd serve: state files are the owner's alone", .serialized)
struct StatePermissionsTests {
    private static func mode(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return (attributes[.posixPermissions] as? Int ?? -1) & 0o777
    }

    @Test("the state folder is 0700 and the database, its journal, the archive and the socket 0600, also when an older version left them open")
    func ownerOnly() async throws {
        let repo = try TestRepository()
        try repo.commit("first")
        let state = repo.path + "/.git/tablejohn"
        // As an earlier version under umask 022 left them.
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o755])
        _ = FileManager.default.createFile(atPath: state + "/tablejohn.db", contents: nil, attributes: [.posixPermissions: 0o644])
        _ = FileManager.default.createFile(atPath: state + "/tablejohn.archive.db", contents: nil, attributes: [.posixPermissions: 0o644])

        let daemon = try DaemonProcess(in: repo.path)
        try await daemon.waitUntilServing()
        _ = try await daemon.waitForPage("/") { $0.contains("1 commit<") }

        #expect(try Self.mode(state) == 0o700)
        #expect(try Self.mode(state + "/tablejohn.db") == 0o600)
        #expect(try Self.mode(state + "/tablejohn.db-wal") & 0o077 == 0)
        #expect(try Self.mode(state + "/tablejohn.archive.db") == 0o600)
        #expect(try Self.mode(state + "/tablejohn.sock") & 0o077 == 0)
        #expect(try Self.mode(state + "/tablejohn.db.lock") == 0o600)
        #expect(try await daemon.stop() == 0)
    }
}
