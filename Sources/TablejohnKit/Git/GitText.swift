// Text read from commit headers: valid UTF-8 of bounded size, whatever the repository holds.
import Foundation

/// Text from commit headers, as stored: valid UTF-8 (invalid bytes replaced) of bounded size.
enum GitText {
    /// A message longer than this is stored cut, with a line saying so. A 300 MB
    /// message packs to a few hundred KB; stored whole it was copied by every listing,
    /// and above SQLite's 1 GB limit it failed the import transaction every round.
    static let maximumMessageBytes = 64 << 10
    /// Author and committer names and emails longer than this are cut.
    static let maximumNameBytes = 1024

    /// The C string at `pointer`, at most `bytes` bytes of it (cut at a character
    /// boundary, with a note of the full size), invalid UTF-8 replaced.
    static func capped(_ pointer: UnsafePointer<CChar>, bytes limit: Int) -> String {
        let length = strlen(pointer)
        let raw = UnsafeRawBufferPointer(start: pointer, count: length)
        guard length > limit else { return String(decoding: raw, as: UTF8.self) }
        let end = utf8CutIndex(raw, limit: limit)
        let kept = String(decoding: UnsafeRawBufferPointer(rebasing: raw[..<end]), as: UTF8.self)
        return limit >= 4096 ? kept + "\n\n[tablejohn kept the first \(end) of \(length) bytes of this message]" : kept + "…"
    }

    /// Appends to `buffer` the bytes of `capped(pointer, bytes: limit)`. Short ASCII text
    /// (nearly every name and message) is copied as it is, without making a `String`.
    static func append(_ pointer: UnsafePointer<CChar>?, bytes limit: Int, to buffer: inout [UInt8]) {
        guard let pointer else { return }
        let length = strlen(pointer)
        let raw = UnsafeRawBufferPointer(start: pointer, count: length)
        if length <= limit && isASCII(raw) {
            buffer.append(contentsOf: raw)
        } else {
            buffer.append(contentsOf: capped(pointer, bytes: limit).utf8)
        }
    }

    /// Whether every byte is below 0x80 (then the bytes are valid UTF-8 as they are).
    private static func isASCII(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var index = 0
        var high: UInt64 = 0
        while index + 8 <= bytes.count {
            high |= bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            index += 8
        }
        while index < bytes.count {
            high |= UInt64(bytes[index])
            index += 1
        }
        return high & 0x8080_8080_8080_8080 == 0
    }
}
