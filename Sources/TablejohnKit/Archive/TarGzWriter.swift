// Building a gzip-compressed tar archive with libarchive, in memory or drained piece by piece.
import CArchive

/// One entry of an archive being written.
enum TarEntryKind: Sendable, Equatable {
    case directory
    /// A regular file; `executable` sets mode 0755 instead of 0644.
    case file(executable: Bool)
    case symlink(target: String)
}

/// Owns a libarchive writer that appends a pax tar, gzip-compressed, to memory.
/// Entries get the modes git knows (0644, 0755, directories 0755, symlinks).
final class TarGzWriter {
    private let handle: OpaquePointer
    private let entry: OpaquePointer
    private let sink = Sink()
    private let mtime: Int64
    private var closed = false

    /// Where libarchive's write callback puts the compressed bytes.
    private final class Sink {
        var bytes: [UInt8] = []
    }

    /// A writer whose entries all carry `mtime` (seconds since the epoch).
    init(mtime: Int64) throws(ArchiveError) {
        guard let handle = archive_write_new(), let entry = archive_entry_new() else {
            throw ArchiveError("create archive", "out of memory")
        }
        self.handle = handle
        self.entry = entry
        self.mtime = mtime
        guard archive_write_add_filter_gzip(handle) == ARCHIVE_OK, archive_write_set_format_pax_restricted(handle) == ARCHIVE_OK,
              archive_write_set_bytes_in_last_block(handle, 1) == ARCHIVE_OK else {
            throw failure("set up tar.gz")
        }
        let context = Unmanaged.passUnretained(sink).toOpaque()
        let status = archive_write_open2(handle, context, nil, { _, context, buffer, length in
            guard let context, let buffer else { return -1 }
            let sink = Unmanaged<Sink>.fromOpaque(context).takeUnretainedValue()
            sink.bytes.append(contentsOf: UnsafeRawBufferPointer(start: buffer, count: length))
            return la_ssize_t(length)
        }, nil, nil)
        guard status == ARCHIVE_OK else { throw failure("open archive") }
    }

    deinit {
        archive_entry_free(entry)
        archive_write_free(handle)
    }

    /// Appends an entry at `path` (relative, `/`-separated). Files take their `contents`.
    func add(path: String, kind: TarEntryKind, contents: UnsafeRawBufferPointer = .init(start: nil, count: 0)) throws(ArchiveError) {
        try addHeader(path: path, kind: kind, size: contents.count)
        if case .file = kind { try write(contents, path: path) }
    }

    /// Starts an entry at `path`; a file's `size` bytes must follow through `write`.
    func addHeader(path: String, kind: TarEntryKind, size: Int) throws(ArchiveError) {
        archive_entry_clear(entry)
        archive_entry_set_pathname_utf8(entry, path)
        archive_entry_set_mtime(entry, time_t(mtime), 0)
        switch kind {
        case .directory:
            archive_entry_set_filetype(entry, tj_archive_directory)
            archive_entry_set_perm(entry, 0o755)
        case .file(let executable):
            archive_entry_set_filetype(entry, tj_archive_file)
            archive_entry_set_perm(entry, executable ? 0o755 : 0o644)
            archive_entry_set_size(entry, la_int64_t(size))
        case .symlink(let target):
            archive_entry_set_filetype(entry, tj_archive_symlink)
            archive_entry_set_perm(entry, 0o777)
            archive_entry_set_symlink_utf8(entry, target)
        }
        guard archive_write_header(handle, entry) == ARCHIVE_OK else { throw failure("add \(path)") }
    }

    /// Appends `contents` to the file entry at `path` started by `addHeader`.
    func write(_ contents: UnsafeRawBufferPointer, path: String) throws(ArchiveError) {
        guard let base = contents.baseAddress, contents.count > 0 else { return }
        guard archive_write_data(handle, base, contents.count) == contents.count else { throw failure("write \(path)") }
    }

    /// How many compressed bytes wait to be taken.
    var pendingCount: Int { sink.bytes.count }

    /// The compressed bytes written so far and not yet taken.
    func take() -> [UInt8] {
        defer { sink.bytes = [] }
        return sink.bytes
    }

    /// Ends the archive and returns its bytes (those not yet taken).
    func finish() throws(ArchiveError) -> [UInt8] {
        if !closed {
            closed = true
            guard archive_write_close(handle) == ARCHIVE_OK else { throw failure("finish archive") }
        }
        return sink.bytes
    }

    private func failure(_ operation: String) -> ArchiveError {
        ArchiveError(operation, archive_error_string(handle).map { String(cString: $0) } ?? "libarchive error")
    }
}
