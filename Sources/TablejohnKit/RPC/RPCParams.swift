// Reading a method's parameters, by name or by position, with clear errors.

/// The parameters of one call. Positional parameters are matched to `names` in order;
/// unknown names are an error, so typos do not pass silently.
struct RPCParams {
    private let object: JSONObject

    init(_ params: JSONValue?, names: [String]) throws(RPCError) {
        switch params {
        case nil:
            object = JSONObject()
        case .array(let values)?:
            guard values.count <= names.count else {
                throw .invalidParams("expected at most \(names.count) parameters (\(names.joined(separator: ", "))), got \(values.count)")
            }
            var object = JSONObject()
            for (name, value) in zip(names, values) { object[name] = value }
            self.object = object
        case .object(let given)?:
            if let unknown = given.keys.first(where: { !names.contains($0) }) {
                throw .invalidParams("unknown parameter \"\(unknown)\"; this method takes \(names.isEmpty ? "none" : names.joined(separator: ", "))",
                                     data: ["parameter": .string(unknown)])
            }
            object = given
        default:
            throw .invalidParams("params must be an array or an object")
        }
    }

    private func present(_ key: String) -> JSONValue? {
        guard let value = object[key], value != .null else { return nil }
        return value
    }

    private func wrongType(_ key: String, _ expected: String, _ value: JSONValue) -> RPCError {
        .invalidParams("\"\(key)\" must be \(expected), not \(value.typeName)", data: ["parameter": .string(key)])
    }

    func string(_ key: String) throws(RPCError) -> String? {
        guard let value = present(key) else { return nil }
        guard case .string(let text) = value else { throw wrongType(key, "a string", value) }
        return text
    }

    func requiredString(_ key: String) throws(RPCError) -> String {
        guard let text = try string(key) else { throw .invalidParams("\"\(key)\" is required", data: ["parameter": .string(key)]) }
        guard !text.isEmpty else { throw .invalidParams("\"\(key)\" must not be empty", data: ["parameter": .string(key)]) }
        return text
    }

    func int(_ key: String, range: ClosedRange<Int64>? = nil) throws(RPCError) -> Int64? {
        guard let value = present(key) else { return nil }
        guard case .integer(let number) = value else { throw wrongType(key, "an integer", value) }
        if let range, !range.contains(number) {
            throw .invalidParams("\"\(key)\" must be between \(range.lowerBound) and \(range.upperBound)", data: ["parameter": .string(key)])
        }
        return number
    }

    func requiredInt(_ key: String, range: ClosedRange<Int64>? = nil) throws(RPCError) -> Int64 {
        guard let number = try int(key, range: range) else {
            throw .invalidParams("\"\(key)\" is required", data: ["parameter": .string(key)])
        }
        return number
    }

    /// An array of strings.
    func strings(_ key: String) throws(RPCError) -> [String]? {
        guard let value = present(key) else { return nil }
        guard case .array(let items) = value, items.allSatisfy({ $0.stringValue != nil }) else {
            throw wrongType(key, "an array of strings", value)
        }
        return items.compactMap(\.stringValue)
    }

    /// A JSON object, as given.
    func object(_ key: String) throws(RPCError) -> JSONValue? {
        guard let value = present(key) else { return nil }
        guard case .object = value else { throw wrongType(key, "an object", value) }
        return value
    }

    /// Any JSON value, as given.
    func value(_ key: String) -> JSONValue? { present(key) }

    func bool(_ key: String) throws(RPCError) -> Bool? {
        guard let value = present(key) else { return nil }
        guard case .bool(let flag) = value else { throw wrongType(key, "true or false", value) }
        return flag
    }

    /// One of a fixed set of words.
    func choice<T: RawRepresentable & CaseIterable>(_ key: String, _ type: T.Type) throws(RPCError) -> T? where T.RawValue == String {
        guard let text = try string(key) else { return nil }
        guard let value = T(rawValue: text) else {
            throw .invalidParams("\"\(key)\" must be one of \(T.allCases.map(\.rawValue).joined(separator: ", "))",
                                 data: ["parameter": .string(key)])
        }
        return value
    }
}
