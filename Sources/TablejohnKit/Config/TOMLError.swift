// A TOML syntax error, located by line so the configuration reader can name file and line.

/// A syntax error with its line (toml++'s description, or the reader's own words for
/// what tablejohn refuses on top of TOML 1.0).
struct TOMLError: Error, Equatable, CustomStringConvertible {
    var line: Int
    var message: String
    var description: String { "line \(line): \(message)" }
}
