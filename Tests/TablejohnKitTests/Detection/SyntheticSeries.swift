// Seeded noise and levels for detector tests: the same seed always gives the same series.
import Foundation

/// A small deterministic random source (SplitMix64) with Gaussian draws.
struct SeededNoise {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    mutating func uniform() -> Double { Double(next() >> 11) / Double(1 << 53) }

    /// Standard normal (Box–Muller).
    mutating func gaussian() -> Double {
        let u = max(uniform(), .leastNonzeroMagnitude)
        return (-2 * log(u)).squareRoot() * cos(2 * .pi * uniform())
    }

    /// `length` values at `levels` (each from its start index on) plus Gaussian noise of `sd`.
    mutating func series(length: Int, levels: [(start: Int, level: Double)], sd: Double) -> [Double] {
        (0..<length).map { index in
            let level = levels.last { $0.start <= index }?.level ?? levels[0].level
            return level + sd * gaussian()
        }
    }
}
