// users.*: web users, their passwords and sessions.

extension ControlMethods {
    /// `users.add`: hashing takes a quarter of a second, so it runs off the connection's thread.
    func userAdd(_ params: RPCParams) throws -> RPCResult {
        let name = try params.requiredString("name")
        let password = try params.requiredString("password")
        let admin = try params.bool("admin") ?? false
        return Self.later { [commands] in
            try await commands.addUser(name, password: password, admin: admin)
            return ["name": .string(name), "admin": .bool(admin)]
        }
    }

    /// `users.passwd`: a new password ends every session of the user.
    func userPasswd(_ params: RPCParams) throws -> RPCResult {
        let name = try params.requiredString("name")
        let password = try params.requiredString("password")
        return Self.later { [commands] in
            try await commands.setPassword(name, password: password)
            return ["name": .string(name)]
        }
    }

    func userRemove(_ params: RPCParams) throws -> JSONValue {
        let name = try params.requiredString("name")
        try commands.removeUser(name)
        return ["removed": .string(name)]
    }

    func usersList(_ params: RPCParams) throws -> JSONValue {
        .array(try commands.users().map { user in
            ["name": .string(user.name), "admin": .bool(user.admin),
             "created": .string(Timestamp.rfc3339(milliseconds: user.created)), "sessions": JSONValue(user.sessions)]
        })
    }
}
