// The values a TOML configuration holds, as TOMLParser hands them to the configuration reader.

/// A TOML value. Dates and times are not among them: tablejohn's configuration has none,
/// and TOMLParser refuses them with a clear error.
indirect enum TOMLValue: Sendable, Equatable {
    case string(String)
    case integer(Int64)
    case float(Double)
    case bool(Bool)
    case array([TOMLValue])
    case table(TOMLTable)

    var typeName: String {
        switch self {
        case .string: "a string"
        case .integer: "an integer"
        case .float: "a float"
        case .bool: "a boolean"
        case .array: "an array"
        case .table: "a table"
        }
    }
}
