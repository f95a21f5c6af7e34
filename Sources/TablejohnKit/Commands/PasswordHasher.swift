// Password hashing with bcrypt, run on NIO's blocking-work thread pool.
import HummingbirdBcrypt
import NIOPosix

/// Hashes and checks passwords with bcrypt (salted, cost 12 by default: about a
/// quarter of a second). The work runs on `NIOThreadPool.singleton`, the pool NIO
/// keeps for blocking calls, so neither an event loop nor Swift's cooperative
/// threads stall while a login is checked.
struct PasswordHasher: Sendable {
    /// The work factor in production: 2^12 rounds.
    static let productionCost: UInt8 = 12

    /// log2 of bcrypt's rounds; tests lower it to stay quick.
    var cost: UInt8 = productionCost

    func hash(_ password: String) async throws -> String {
        let cost = cost
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    /// Whether `password` matches `hash`. A nil hash (an unknown user) is checked
    /// against a stand-in of production cost, so the answer takes as long as for a
    /// known user with a wrong password.
    func verify(_ password: String, hash: String?) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive {
            let matches = Bcrypt.verify(password, hash: hash ?? Self.unknownUserHash)
            return matches && hash != nil
        }
    }

    /// A bcrypt hash of a random password nobody knows, made once.
    private static let unknownUserHash = Bcrypt.hash(RunnerToken.generate(), cost: productionCost)
}
