// users.*: web users, their passwords and sessions.

extension ControlMethods {
    /// `users.add`: hashing takes a quarter of a second, so it runs off the connection's thread.
    func userAdd(_ params: RPCParams) throws -> RPCResult {
        let name = try params.requiredString("name")
        let password = try params.requiredString("password")
        let admin = try params.bool("admin") ?? false
        try UserAccount.validate(name: name)
        try UserAccount.validate(password: password)
        return .deferred { [store, passwordHasher] () async throws(RPCError) -> JSONValue in
            do {
                let hash = try await passwordHasher.hash(password)
                try store.addUser(name, passwordHash: hash, admin: admin, now: Self.now())
            } catch {
                throw Self.translate(error)
            }
            return ["name": .string(name), "admin": .bool(admin)]
        }
    }

    /// `users.passwd`: a new password ends every session of the user.
    func userPasswd(_ params: RPCParams) throws -> RPCResult {
        let name = try params.requiredString("name")
        let password = try params.requiredString("password")
        try UserAccount.validate(password: password)
        guard try store.passwordHash(user: name) != nil else { throw UserError.unknown(name) }
        return .deferred { [store, passwordHasher] () async throws(RPCError) -> JSONValue in
            do {
                let hash = try await passwordHasher.hash(password)
                try store.setPasswordHash(name, passwordHash: hash)
            } catch {
                throw Self.translate(error)
            }
            return ["name": .string(name)]
        }
    }

    func userRemove(_ params: RPCParams) throws -> JSONValue {
        let name = try params.requiredString("name")
        try store.removeUser(name)
        return ["removed": .string(name)]
    }

    func usersList(_ params: RPCParams) throws -> JSONValue {
        .array(try store.users(now: Self.now()).map { user in
            ["name": .string(user.name), "admin": .bool(user.admin),
             "created": .string(Timestamp.rfc3339(milliseconds: user.created)), "sessions": JSONValue(user.sessions)]
        })
    }
}
