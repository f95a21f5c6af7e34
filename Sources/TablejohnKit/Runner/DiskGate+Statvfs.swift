// Measuring free space for the disk gate: statvfs, the space unprivileged users may fill.
import Foundation

extension DiskGate {
    /// The bytes available to unprivileged users on the file system holding `path`
    /// (`f_bavail × f_frsize`, what `df` shows as available), or why it cannot be read.
    static func measure(_ path: String) -> FreeSpace {
        var stats = statvfs()
        guard statvfs(path, &stats) == 0 else { return .unknown(String(cString: strerror(errno))) }
        let blockSize = stats.f_frsize > 0 ? UInt64(stats.f_frsize) : UInt64(stats.f_bsize)
        let (bytes, overflow) = UInt64(stats.f_bavail).multipliedReportingOverflow(by: blockSize)
        return .bytes(overflow || bytes > UInt64(Int64.max) ? .max : Int64(bytes))
    }
}
