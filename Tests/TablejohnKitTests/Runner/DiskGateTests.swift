import Foundation
import Synchronization
import Testing
@testable import TablejohnKit

@Suite("Disk gates")
struct DiskGateTests {
    static let gib: Int64 = 1 << 30

    static func gate(_ entries: String...) throws -> DiskGate {
        DiskGate(try entries.map { try DiskThreshold.parse($0).get() })
    }

    @Test("an entry names an absolute path or the work directory, and a binary size", arguments: [
        ("/tmp>5G", DiskThreshold(place: .path("/tmp"), minimum: 5 << 30)),
        ("work-dir>2G", DiskThreshold(place: .workDirectory, minimum: 2 << 30)),
        ("/var/lib/bench > 512M", DiskThreshold(place: .path("/var/lib/bench"), minimum: 512 << 20)),
        ("/data>1T", DiskThreshold(place: .path("/data"), minimum: 1 << 40)),
        ("/a>b>64K", DiskThreshold(place: .path("/a>b"), minimum: 64 << 10)),
        ("/x>1000", DiskThreshold(place: .path("/x"), minimum: 1000)),
    ])
    func parsesEntries(entry: String, expected: DiskThreshold) throws {
        #expect(try DiskThreshold.parse(entry).get() == expected)
    }

    @Test("a bad entry says what is wrong with it", arguments: [
        ("/tmp", "\"/tmp\": expected PATH>SIZE, such as \"/tmp>5G\" or \"work-dir>2G\""),
        ("tmp>5G", "\"tmp>5G\": the path must be absolute or the word work-dir"),
        (">5G", "\">5G\": the path must be absolute or the word work-dir"),
        ("/tmp>5X", "\"/tmp>5X\": the size must be positive, such as \"5G\", \"512M\" or a number of bytes"),
        ("/tmp>0", "\"/tmp>0\": the size must be positive, such as \"5G\", \"512M\" or a number of bytes"),
        ("/tmp>-1G", "\"/tmp>-1G\": the size must be positive, such as \"5G\", \"512M\" or a number of bytes"),
        ("/tmp>99999999999T", "\"/tmp>99999999999T\": the size must be positive, such as \"5G\", \"512M\" or a number of bytes"),
    ])
    func refusesEntries(entry: String, message: String) {
        let error = #expect(throws: DiskThresholdError.self) { try DiskThreshold.parse(entry).get() }
        #expect(error?.description == message)
    }

    @Test("with enough space everywhere the runner takes work")
    func enoughSpace() throws {
        let gate = try Self.gate("/tmp>5G", "work-dir>2G")
        let reason = gate.pauseReason(workDirectory: "/var/tmp/tj") { $0 == "/tmp" ? .bytes(5 * Self.gib) : .bytes(100 * Self.gib) }
        #expect(reason == nil)
        #expect(DiskGate([]).pauseReason(workDirectory: "/w") { _ in .bytes(0) } == nil)
    }

    @Test("a path below its threshold pauses the runner, saying how much is free and how much it needs")
    func belowThreshold() throws {
        let gate = try Self.gate("/tmp>5G", "work-dir>2G")
        let reason = gate.pauseReason(workDirectory: "/var/tmp/tj") { $0 == "/tmp" ? .bytes(Self.gib * 5 / 4) : .bytes(100 * Self.gib) }
        #expect(reason == "only 1.25 GiB free on /tmp (needs 5 GiB)")
        // One byte short of the threshold never reads as the threshold itself.
        let short = gate.pauseReason(workDirectory: "/var/tmp/tj") { $0 == "/tmp" ? .bytes(5 * Self.gib - 1) : .bytes(100 * Self.gib) }
        #expect(short == "only 4.99 GiB free on /tmp (needs 5 GiB)")
    }

    @Test("every path short of space is named, the work directory by its path; each path is measured once")
    func severalShort() throws {
        let gate = try Self.gate("/tmp>5G", "work-dir>2G", "/tmp>1M")
        var asked: [String] = []
        let reason = gate.pauseReason(workDirectory: "/var/tmp/tj") { path in
            asked.append(path)
            return path == "/tmp" ? .bytes(300 << 10) : .bytes(0)
        }
        #expect(reason == "only 300 KiB free on /tmp (needs 5 GiB); only 0 B free on the work directory /var/tmp/tj (needs 2 GiB); "
            + "only 300 KiB free on /tmp (needs 1 MiB)")
        #expect(asked == ["/tmp", "/var/tmp/tj"])
    }

    @Test("a path that cannot be measured pauses the runner with the reason")
    func unmeasurable() throws {
        let gate = try Self.gate("/mnt/gone>1G")
        let reason = gate.pauseReason(workDirectory: "/w") { _ in .unknown("No such file or directory") }
        #expect(reason == "cannot measure the free space on /mnt/gone (No such file or directory); it needs 1 GiB")
    }

    @Test("statvfs reports the space of a real path, and an error for a missing one")
    func measures() {
        guard case .bytes(let free) = DiskGate.measure("/") else {
            Issue.record("statvfs failed on /")
            return
        }
        #expect(free >= 0)
        #expect(DiskGate.measure("/no/such/path/for/tablejohn") == .unknown("No such file or directory"))
    }

    @Test("sizes read as people write them: thresholds exact, free space rounded down")
    func sizes() {
        #expect(ByteCountText.exact(5 << 30) == "5 GiB")
        #expect(ByteCountText.exact(1536 << 20) == "1536 MiB")
        #expect(ByteCountText.exact(1_500_000_000) == "1.40 GiB")
        #expect(ByteCountText.exact(1000) == "1000 B")
        #expect(ByteCountText.approximate(Double(2 << 30) - 1, down: true) == "1.99 GiB")
        #expect(ByteCountText.approximate(Double(2 << 30) - 1) == "2.00 GiB")
    }
}

@Suite("Disk probe")
struct DiskProbeTests {
    @Test("a measurement that hangs (a dead mount) reads as unknown, and later rounds do not pile up threads on it")
    func hangingMount() async throws {
        // Given a path whose measurement blocks until released
        let release = DispatchSemaphore(value: 0)
        let hanging = Mutex(true)
        let calls = Mutex(0)
        let probe = DiskProbe(timeout: .milliseconds(200)) { path in
            calls.withLock { $0 += 1 }
            if path == "/mnt/dead", hanging.withLock({ $0 }) { release.wait() }
            return .bytes(1 << 30)
        }

        // When it is measured beside a healthy path
        let first = await probe.measure(["/mnt/dead", "/tmp", "/tmp"])
        // Then the healthy path is measured and the hung one reads as unknown after the timeout
        #expect(first["/tmp"] == .bytes(1 << 30))
        #expect(first["/mnt/dead"] == .unknown("no answer within 0.2 s"))
        #expect(try DiskGateTests.gate("/mnt/dead>1G").pauseReason(workDirectory: "/w") { first[$0]! }
            == "cannot measure the free space on /mnt/dead (no answer within 0.2 s); it needs 1 GiB")

        // While it is still stuck, the next round answers at once without measuring again
        #expect(await probe.measure("/mnt/dead") == .unknown("an earlier measurement has not returned yet"))
        #expect(calls.withLock { $0 } == 2)

        // Once the mount answers again, the path is measured again
        hanging.withLock { $0 = false }
        release.signal()
        var space = DiskGate.FreeSpace.unknown("not yet")
        for _ in 0..<200 where space != .bytes(1 << 30) {
            space = await probe.measure("/mnt/dead")
            if space != .bytes(1 << 30) { try await Task.sleep(for: .milliseconds(10)) }
        }
        #expect(space == .bytes(1 << 30))
        #expect(calls.withLock { $0 } == 3)
    }
}

@Suite("Disk gates in the runner's settings")
struct DiskGateSettingsTests {
    @Test("tablejohnd runner reads min-free from its configuration file")
    func runnerSettings() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tj-gates-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "[runner]\nmin-free = [\"/tmp>5G\", \"work-dir>2G\"]\n".write(toFile: folder + "/t.toml", atomically: true, encoding: .utf8)
        let settings = try RunnerProcess.settings(RunnerOptions(configPath: folder + "/t.toml", name: "box",
                                                                servers: [.init(url: "http://127.0.0.1:1", token: "t")]))
        #expect(settings.diskGate == DiskGate([DiskThreshold(place: .path("/tmp"), minimum: 5 << 30),
                                               DiskThreshold(place: .workDirectory, minimum: 2 << 30)]))
        #expect(settings.diskGate.paths(workDirectory: "/var/tmp/tj") == ["/tmp", "/var/tmp/tj"])
    }
}
