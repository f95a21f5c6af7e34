import Foundation
import Testing
@testable import TablejohnKit

@Suite("divan")
struct DivanFormatTests {
    /// `cargo bench` of two bench targets: groups, arguments, throughput and allocation counters.
    static let output = """
             Running benches/sort.rs (target/release/deps/sort-6e3b41c2a1d0f9e8)
        Timer precision: 20 ns
        sort                 fastest       │ slowest       │ median        │ mean          │ samples │ iters
        ├─ sort_slice                      │               │               │               │         │
        │  ├─ 10             45.47 ns      │ 83.37 ns      │ 46.1 ns       │ 47.4 ns       │ 100     │ 25600
        │  ╰─ 1000           13.86 µs      │ 21.36 µs      │ 14.29 µs      │ 14.53 µs      │ 100     │ 100
        ╰─ sort_vec          1.201 ms      │ 1.544 ms      │ 1.262 ms      │ 1.281 ms      │ 100     │ 100
                             alloc:        │               │               │               │         │
                               1           │ 1             │ 1             │ 1             │         │
                               4 KB        │ 4 KB          │ 4 KB          │ 4 KB          │         │

             Running benches/string.rs (target/release/deps/string-0a1b2c3d4e5f6a7b)
        Timer precision: 20 ns
        string         fastest       │ slowest       │ median        │ mean          │ samples │ iters
        ╰─ char_count                │               │               │               │         │
           ╰─ 64       3.703 ns      │ 4.049 ns      │ 3.744 ns      │ 3.766 ns      │ 100     │ 204800
                       17.28 GB/s    │ 15.8 GB/s     │ 17.09 GB/s    │ 16.99 GB/s    │         │
                       17.28 Gchar/s │ 15.8 Gchar/s  │ 17.09 Gchar/s │ 16.99 Gchar/s │         │

        """

    @Test("two bench targets: the median time in ns with fastest and slowest, throughputs and allocations")
    func tree() throws {
        #expect(try readResults(Self.output, expecting: .divan) == [
            try Measurement(metric: "sort/sort_slice/10/time", value: 46.1, unit: "ns", lower: 45.47, upper: 83.37),
            try Measurement(metric: "sort/sort_slice/1000/time", value: 14_290, unit: "ns", lower: 13_860, upper: 21_360),
            try Measurement(metric: "sort/sort_vec/time", value: 1_262_000, unit: "ns", lower: 1_201_000, upper: 1_544_000),
            try Measurement(metric: "sort/sort_vec/alloc_count", value: 1),
            try Measurement(metric: "sort/sort_vec/alloc_size", value: 4000, unit: "B"),
            try Measurement(metric: "string/char_count/64/time", value: 3.744, unit: "ns", lower: 3.703, upper: 4.049),
            try Measurement(metric: "string/char_count/64/B_per_s", value: 17.09e9, unit: "B/s"),
            try Measurement(metric: "string/char_count/64/char_per_s", value: 17.09e9, unit: "char/s"),
        ])
    }

    @Test("output cut in a row or after a group, a time that is not one: errors naming the line and benchmark")
    func broken() {
        let lines = Self.output.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(resultError(lines.prefix(5).joined(separator: "\n") + "\n│  ╰─ 1000           13.86 µs      │ 21", as: nil)
            == "divan: line 6: sort/sort_slice/1000: expected fastest │ slowest │ median │ mean │ samples │ iters")
        #expect(resultError(lines.prefix(4).joined(separator: "\n"), as: .divan)
            == "divan: line 4: sort/sort_slice has no results: the output is cut off")
        #expect(resultError(Self.output.replacingOccurrences(of: "46.1 ns", with: "46.1 parsecs"), as: nil)
            == "divan: line 5: sort/sort_slice/10: \"46.1 parsecs\" is not a time")
    }
}
