// Why a runner takes no new work, as the server keeps it: a runner's text, bounded and on one line.

/// The `paused` field of a status call: a runner's own words (untrusted), cut to
/// `maximumBytes` of whole characters with an ellipsis, control characters shown as `?`,
/// so pages, tjctl and the RPC reply can show it as it is.
struct PauseReason: Sendable, Equatable, CustomStringConvertible {
    let text: String

    /// The most bytes of a reason kept (before the ellipsis).
    static let maximumBytes = 500

    /// Nil for text with nothing to show (empty or only spaces).
    init?(untrusted text: String) {
        // Cut first: a hostile reason may be megabytes long.
        let bytes = text.utf8
        let end = utf8CutIndex(bytes, limit: Self.maximumBytes)
        let kept = end == bytes.endIndex ? text : String(decoding: bytes[..<end], as: UTF8.self) + "…"
        guard kept.contains(where: { !$0.isWhitespace }) else { return nil }
        self.text = kept.withControlCharactersShown
    }

    var description: String { text }
}
