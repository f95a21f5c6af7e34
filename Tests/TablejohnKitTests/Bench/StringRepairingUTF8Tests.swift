// Decoding result bytes that are not UTF-8 gives the same text as the standard library.

import Testing
@testable import TablejohnKit

@Suite("Repairing ill-formed UTF-8")
struct StringRepairingUTF8Tests {
    @Test("ill-formed bytes become the same text as String(decoding:as:)")
    func sameAsStandardLibrary() {
        // Given byte strings built from lead, continuation, surrogate and out-of-range bytes
        let pieces: [UInt8] = [0x41, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<3000 {
            let bytes = (0..<Int.random(in: 0..<10, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }
            // When they are decoded, Then the text is the standard library's, byte for byte
            #expect(Array(String(repairingUTF8: bytes).utf8) == Array(String(decoding: bytes, as: UTF8.self).utf8), "\(bytes)")
        }
        let valid = Array("tëst — 🎉\r\n".utf8)
        #expect(String(repairingUTF8: valid) == "tëst — 🎉\r\n")
    }

    @Test("a results file with CRLF line ends is read line by line")
    func crlf() throws {
        // Given go bench output written with Windows line ends
        let output = "goos: linux\r\nBenchmarkA-8   100   12.5 ns/op\r\nBenchmarkB-8   100   20 ns/op\r\nPASS\r\n"
        // When it is read
        let (format, measurements) = try ResultReader.read(Array(output.utf8))
        // Then both benchmarks are found
        #expect(format == .goBench)
        #expect(measurements.map(\.metric) == ["BenchmarkA/ns_per_op", "BenchmarkB/ns_per_op"])
    }
}
