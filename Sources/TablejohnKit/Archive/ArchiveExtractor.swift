// Unpacking a tar.gz into a directory, refusing any entry that would land outside it.
import CArchive
import Foundation

/// Extracts tar archives (gzip-compressed or not) received from a server.
///
/// The archive is untrusted: an absolute path, a `..` component, a hard link, a device
/// or a path through a symlink it created is refused with an error before anything is
/// written for that entry (libarchive's secure-extraction checks plus our own).
enum ArchiveExtractor {
    /// Unpacks `archive` into the existing directory `directory`.
    static func extract(_ archive: [UInt8], into directory: String) throws(ArchiveError) {
        guard let root = realpath(directory, nil) else { throw ArchiveError("extract", "no directory \(directory)") }
        let base = String(cString: root)
        free(root)
        guard let reader = archive_read_new() else { throw ArchiveError("extract", "out of memory") }
        defer { archive_read_free(reader) }
        guard let disk = archive_write_disk_new() else { throw ArchiveError("extract", "out of memory") }
        defer { archive_write_free(disk) }
        archive_read_support_filter_gzip(reader)
        archive_read_support_format_tar(reader)
        let flags = ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_SECURE_SYMLINKS | ARCHIVE_EXTRACT_SECURE_NODOTDOT
        archive_write_disk_set_options(disk, flags)

        let result = archive.withUnsafeBytes { bytes in
            Result { () throws(ArchiveError) in try unpack(bytes, reader: reader, disk: disk, base: base) }
        }
        try result.get()
    }

    private static func unpack(_ bytes: UnsafeRawBufferPointer, reader: OpaquePointer, disk: OpaquePointer, base: String) throws(ArchiveError) {
            guard archive_read_open_memory(reader, bytes.baseAddress, bytes.count) == ARCHIVE_OK else {
                throw failure(reader, "read archive")
            }
            var entry: OpaquePointer?
            while true {
                let status = archive_read_next_header(reader, &entry)
                if status == ARCHIVE_EOF { break }
                guard status >= ARCHIVE_WARN, let entry else { throw failure(reader, "read archive") }
                let path = archive_entry_pathname(entry).map { String(cString: $0) } ?? ""
                try check(entry: entry, path: path)
                archive_entry_set_pathname(entry, base + "/" + path)
                guard archive_write_header(disk, entry) >= ARCHIVE_WARN else { throw failure(disk, "extract \(path)") }
                try copyData(from: reader, to: disk, path: path)
                guard archive_write_finish_entry(disk) >= ARCHIVE_WARN else { throw failure(disk, "extract \(path)") }
            }
    }

    private static func check(entry: OpaquePointer, path: String) throws(ArchiveError) {
        let components = path.split(separator: "/", omittingEmptySubsequences: true)
        if path.isEmpty || path.hasPrefix("/") || components.contains("..") {
            throw ArchiveError("extract", "entry \(path.debugDescription) would land outside the work directory")
        }
        if archive_entry_hardlink(entry) != nil {
            throw ArchiveError("extract", "entry \(path.debugDescription) is a hard link, which tree archives never contain")
        }
        switch archive_entry_filetype(entry) {
        case tj_archive_file, tj_archive_directory, tj_archive_symlink: return
        default: throw ArchiveError("extract", "entry \(path.debugDescription) is not a file, directory or symlink")
        }
    }

    private static func copyData(from reader: OpaquePointer, to disk: OpaquePointer, path: String) throws(ArchiveError) {
        var block: UnsafeRawPointer?
        var size = 0
        var offset: la_int64_t = 0
        while true {
            let status = archive_read_data_block(reader, &block, &size, &offset)
            if status == ARCHIVE_EOF { return }
            guard status >= ARCHIVE_WARN else { throw failure(reader, "read \(path)") }
            guard archive_write_data_block(disk, block, size, offset) >= ARCHIVE_WARN else { throw failure(disk, "write \(path)") }
        }
    }

    private static func failure(_ handle: OpaquePointer, _ operation: String) -> ArchiveError {
        ArchiveError(operation, archive_error_string(handle).map { String(cString: $0) } ?? "libarchive error")
    }
}
