import Foundation
import Testing
import TestSupport

@Suite("Hostile configuration files, end to end")
struct HostileConfigurationFileTests {
    /// Each file's bytes and what follows its path in the one line printed.
    static let files: [(name: String, bytes: [UInt8], message: String)] = [
        ("deep.toml", Array((String(repeating: "a.", count: 100_000) + "a = 1\n").utf8),
         ":1: tables, arrays and dotted keys nest more than 128 levels deep"),
        // toml++ 3.3.0 asserts on this header before it reports the error itself.
        ("header.toml", Array("[runner]\nname = \"x\"\n[{r.s]]\n".utf8),
         ":3: Error while parsing key: expected bare key starting character or string delimiter, saw '{'"),
        ("utf8.toml", Array("[runner]\nname = \"".utf8) + [0xc3, 0x28] + Array("\"\n".utf8), ":2: Encountered invalid utf-8 sequence"),
        ("nul.toml", Array("[runner]\nname = \"a\"".utf8) + [0] + Array("\n".utf8),
         ":2: Error while parsing key-value pair: expected a comment or whitespace, saw '\\u0000'"),
        ("integer.toml", Array("[runner]\nping-interval = 18446744073709551616\n".utf8),
         ":2: Error while parsing decimal integer: '18446744073709551616' is not representable in 64 bits"),
        ("date.toml", Array("[runner]\n\nname = 2026-12-01\n".utf8), ":3: dates and times are not supported here; write the value as a string"),
        ("key.toml", Array("[runner]\n\"evil\\nkey\" = 1\n".utf8), ":2: [runner] \"evil\\nkey\": unknown key"),
        ("huge.toml", Array(("# " + String(repeating: "x", count: 2 << 20) + "\n").utf8),
         ": the file is larger than 1 MiB; a configuration is a few kilobytes"),
    ]

    @Test("tablejohnd serve, tablejohnd runner and tjctl check-config refuse each with one line naming the file and line")
    func refused() throws {
        let repo = try TestRepository()
        try repo.commit("first")
        let folder = try TemporaryFolder.make(prefix: "tj-hostile-config")
        for file in Self.files {
            let path = folder + "/" + file.name
            try Data(file.bytes).write(to: URL(fileURLWithPath: path))

            let served = try runTablejohnd(["serve", "--config", path, "--address", "127.0.0.1:0"], in: repo.path)
            let ran = try runTablejohnd(["runner", "--config", path], in: repo.path)
            let checked = try runTjctl(["check-config", path], in: repo.path)

            #expect(served.status == 2, "\(file.name)")
            #expect(served.stderr == "tablejohnd: \(path)\(file.message)\n")
            #expect(ran.status == 2, "\(file.name)")
            #expect(ran.stderr == "tablejohnd: \(path)\(file.message)\n")
            #expect(checked.status == 1, "\(file.name)")
            #expect(checked.stderr == "tjctl: \(path)\(file.message)\n")
        }
    }
}
