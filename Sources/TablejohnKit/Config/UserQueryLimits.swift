// What one `tjctl sql` statement may cost: time, rows and bytes per page (`[sql]`).

/// What `tjctl sql` may cost: time, rows per page, bytes per page.
struct UserQueryLimits: Sendable, Equatable {
    /// A statement running longer is stopped (`[sql] timeout`).
    var timeout: Duration = .seconds(5)
    /// The most rows one call returns (`[sql] max-rows`); more are read with `offset`.
    var maximumRows = 10_000
    /// A page stops early once its values pass this many bytes (at least one row is sent).
    var maximumPageBytes = 8 << 20

    init() {}
}
