import Foundation
import Testing
@testable import TablejohnKit

@Suite("Machine fingerprint")
struct MachineFingerprintTests {
    @Test("reads the CPU model and OS name from their files")
    func parsing() {
        let cpuinfo = "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R) CPU @ 2.20GHz\nflags\t: fpu\n"
        #expect(MachineFingerprint.cpuModel(cpuinfo: cpuinfo) == "Intel(R) Xeon(R) CPU @ 2.20GHz")
        #expect(MachineFingerprint.cpuModel(cpuinfo: "processor : 0\n") == nil)
        let osRelease = "NAME=\"Debian GNU/Linux\"\nPRETTY_NAME=\"Debian GNU/Linux 13 (trixie)\"\nID=debian\n"
        #expect(MachineFingerprint.osName(osRelease: osRelease) == "Debian GNU/Linux 13 (trixie)")
    }

    @Test("describes this machine, with the runner's own entries added")
    func thisMachine() throws {
        let fingerprint = MachineFingerprint.current(extra: ["rack": "b3"])
        #expect(fingerprint["cores"]?.intValue == Int64(ProcessInfo.processInfo.activeProcessorCount))
        #expect((fingerprint["memory"]?.intValue ?? 0) > 1 << 28)
        #expect(fingerprint["kernel"]?.stringValue?.hasPrefix("Linux ") == true)
        #expect(fingerprint["cpu"] != "unknown")
        #expect(fingerprint["rack"] == "b3")
        #expect(fingerprint.objectValue?.keys == ["cpu", "cores", "memory", "os", "kernel", "rack"])
    }
}
