// The checks and cuts every untrusted string goes through: control characters, and a byte bound that keeps whole characters.

extension String {
    /// Whether the text holds a control character (C0, DEL, C1: tabs, newlines and
    /// terminal escapes among them), the rule for names and labels from outside.
    var hasControlCharacters: Bool {
        unicodeScalars.contains(where: \.isControl)
    }

    /// The text on one line for a terminal or a table: each control character (terminal
    /// escapes among them) shown as `?`.
    public var withControlCharactersShown: String {
        String(String.UnicodeScalarView(unicodeScalars.map { $0.isControl ? "?" : $0 }))
    }
}

/// Where to cut UTF-8 bytes at most `limit` long without splitting a character: the
/// limit, backed off over continuation bytes (10xxxxxx).
func utf8CutIndex<Bytes: Collection>(_ bytes: Bytes, limit: Int) -> Bytes.Index where Bytes.Element == UInt8 {
    guard bytes.count > limit else { return bytes.endIndex }
    var end = bytes.index(bytes.startIndex, offsetBy: limit)
    while end > bytes.startIndex && bytes[end] & 0xC0 == 0x80 { end = bytes.index(end, offsetBy: -1) }
    return end
}

extension Unicode.Scalar {
    /// Whether this is a control character (general category Cc: U+0000–U+001F and
    /// U+007F–U+009F), compared by value: the property lookup cost more than the
    /// measurement it checked on every submission.
    var isControl: Bool {
        value < 0x20 || (0x7F...0x9F).contains(value)
    }
}
