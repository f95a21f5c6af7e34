// Runner tokens and runner names: what is generated, what is valid, how tokens compare.
import Crypto
import Foundation

/// Runner tokens: 32 random bytes as hex. Only their SHA-256 is stored; a token is
/// random enough that a fast hash is no weakness, and checking it stays cheap on
/// the status call every runner makes every few seconds.
enum RunnerToken {
    static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }

    static func digest(_ token: String) -> Data {
        Data(SHA256.hash(data: Data(token.utf8)))
    }

    /// Compares two digests without stopping at the first difference.
    static func equalInConstantTime(_ lhs: Data, _ rhs: Data) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for (left, right) in zip(lhs, rhs) { difference |= left ^ right }
        return difference == 0
    }

    /// A runner name: 1 to 64 letters (any script, so Unicode host names work), digits,
    /// combining marks, '.', '_' and '-', at most 256 bytes. No spaces, control
    /// characters, '/' or ':' (the Basic auth separator).
    static func isValidName(_ name: String) -> Bool {
        (1...64).contains(name.count) && name.utf8.count <= 256
            && name.unicodeScalars.allSatisfy { scalar in
                switch scalar.properties.generalCategory {
                case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
                     .nonspacingMark, .spacingMark, .decimalNumber, .letterNumber, .otherNumber: true
                default: scalar == "." || scalar == "_" || scalar == "-"
                }
            }
    }
}
