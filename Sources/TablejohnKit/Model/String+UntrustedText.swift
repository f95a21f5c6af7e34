// The checks and cuts every untrusted string goes through: control characters, and a byte bound that keeps whole characters.

extension String {
    /// Whether the text holds a control character (C0, DEL, C1: tabs, newlines and
    /// terminal escapes among them), the rule for names and labels from outside.
    var hasControlCharacters: Bool {
        unicodeScalars.contains { $0.properties.generalCategory == .control }
    }

    /// The text on one line for a terminal or a table: each control character (terminal
    /// escapes among them) shown as `?`.
    public var withControlCharactersShown: String {
        String(String.UnicodeScalarView(unicodeScalars.map { $0.properties.generalCategory == .control ? "?" : $0 }))
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
