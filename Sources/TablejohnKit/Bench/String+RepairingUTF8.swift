// Decoding result bytes that may not be UTF-8, without the standard library's slow repair.

extension String {
    /// The text of `bytes`, each ill-formed sequence replaced by U+FFFD the way
    /// `String(decoding:as:)` does it (one U+FFFD per maximal subpart, Unicode's
    /// recommended practice). The standard library repairs 8 MiB of random bytes in
    /// about 15 s; this takes a fraction of a second, and valid UTF-8 is only validated.
    init(repairingUTF8 bytes: [UInt8]) {
        if let valid = String(validating: bytes, as: UTF8.self) {
            self = valid
            return
        }
        var repaired: [UInt8] = []
        repaired.reserveCapacity(bytes.count + bytes.count / 2)
        bytes.withUnsafeBufferPointer { input in
            let count = input.count
            var index = 0
            while index < count {
                let lead = input[index]
                if lead < 0x80 {
                    repaired.append(lead)
                    index += 1
                    continue
                }
                // Table 3-7 of the Unicode standard: the continuation bytes a lead byte
                // needs, and the narrower range allowed for the first of them.
                var needed = 0
                var low: UInt8 = 0x80
                var high: UInt8 = 0xBF
                switch lead {
                case 0xC2...0xDF: needed = 1
                case 0xE0: needed = 2; low = 0xA0
                case 0xE1...0xEC, 0xEE...0xEF: needed = 2
                case 0xED: needed = 2; high = 0x9F
                case 0xF0: needed = 3; low = 0x90
                case 0xF1...0xF3: needed = 3
                case 0xF4: needed = 3; high = 0x8F
                default: break
                }
                var end = index + 1
                while needed > 0, end < count, input[end] >= low, input[end] <= high {
                    end += 1
                    needed -= 1
                    low = 0x80
                    high = 0xBF
                }
                if needed == 0, end > index + 1 {
                    repaired.append(contentsOf: input[index..<end])
                } else {
                    repaired.append(0xEF)
                    repaired.append(0xBF)
                    repaired.append(0xBD)
                }
                index = end
            }
        }
        self = String(decoding: repaired, as: UTF8.self)
    }
}
