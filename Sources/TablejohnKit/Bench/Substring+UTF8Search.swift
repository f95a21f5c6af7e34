// Byte-level searches in result text, to skip lines and files that cannot match before
// the Character-level checks run.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension StringProtocol {
    /// Whether the UTF-8 bytes of `needle` occur in the UTF-8 bytes of this text. A
    /// Character-level match implies a byte match, so `false` here means no match at all;
    /// `true` still needs the Character-level check. 8 MiB of noise searched Character
    /// by Character took most of a second in a debug build; memchr and memcmp take a few
    /// milliseconds.
    func containsUTF8(_ needle: String) -> Bool {
        var needle = needle
        return needle.withUTF8 { wanted in
            if let found = utf8.withContiguousStorageIfAvailable({ Self.find(wanted, in: $0) }) { return found }
            var copy = String(self)
            return copy.withUTF8 { Self.find(wanted, in: $0) }
        }
    }

    /// Whether the text, after leading spaces and tabs, starts with the UTF-8 bytes of
    /// `prefix`: a byte-level test that holds whenever the first space/tab-separated
    /// token starts with `prefix` Character by Character.
    func startsUTF8AfterBlanks(with prefix: String) -> Bool {
        var bytes = utf8[...]
        while let first = bytes.first, first == 0x20 || first == 0x09 { bytes = bytes.dropFirst() }
        return bytes.starts(with: prefix.utf8)
    }

    private static func find(_ wanted: UnsafeBufferPointer<UInt8>, in haystack: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = wanted.first else { return true }
        guard let base = haystack.baseAddress, let needle = wanted.baseAddress else { return false }
        var offset = 0
        while haystack.count - offset >= wanted.count {
            guard let hit = memchr(base + offset, Int32(first), haystack.count - offset - wanted.count + 1) else { return false }
            let position = UnsafePointer<UInt8>(hit.assumingMemoryBound(to: UInt8.self)) - base
            if memcmp(base + position, needle, wanted.count) == 0 { return true }
            offset = position + 1
        }
        return false
    }
}
