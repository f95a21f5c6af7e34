// Users of the web pages: adding, changing passwords, removing, listing.

extension AdminCommands {
    /// Adds a user. Hashing takes a quarter of a second on NIO's blocking pool; the name
    /// and password are checked before it starts.
    func addUser(_ name: String, password: String, admin: Bool) async throws {
        try UserAccount.validate(name: name)
        try UserAccount.validate(password: password)
        let hash = try await passwordHasher.hash(password)
        try store.addUser(name, passwordHash: hash, admin: admin, now: Self.now())
    }

    /// Sets a user's password, which ends every session of the user.
    func setPassword(_ name: String, password: String) async throws {
        try UserAccount.validate(password: password)
        guard try store.passwordHash(user: name) != nil else { throw UserError.unknown(name) }
        let hash = try await passwordHasher.hash(password)
        try store.setPasswordHash(name, passwordHash: hash)
    }

    func removeUser(_ name: String) throws {
        try store.removeUser(name)
    }

    func users() throws -> [UserRecord] {
        try store.users(now: Self.now())
    }
}
