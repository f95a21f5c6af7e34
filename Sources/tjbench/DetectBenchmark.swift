// Change detection figures: a whole 10,000-value series, a 100,000-value one, and one appended value.
import ArgumentParser
import Foundation
import TablejohnKit

struct DetectBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detect",
        abstract: "Change-point detection on generated series of 10,000 and 100,000 values, and the cost of one appended value.")

    @Option(parsing: .upToNextOption, help: "Series lengths in values.")
    var lengths: [Int] = [10_000, 100_000]

    @Option(help: "Repetitions of each measurement (the median is reported).")
    var runs: Int = 11

    func validate() throws {
        guard runs >= 1 else { throw ValidationError("--runs must be at least 1") }
        guard lengths.allSatisfy({ $0 >= 100 }) else { throw ValidationError("lengths must be at least 100") }
    }

    func run() throws {
        var report = Report()
        let detector = ChangePointDetector(direction: .lower)
        for length in lengths {
            let label = length >= 1000 ? "\(length / 1000)k" : "\(length)"
            let values = Self.series(length: length)
            var result = try detector.detect(values)
            var cpu: [Double] = []
            let whole = Measure.median(try (0..<runs).map { _ in
                let started = Self.cpuSeconds()
                defer { cpu.append(Self.cpuSeconds() - started) }
                return try Measure.seconds { result = try detector.detect(values) }
            })
            let sorting = Measure.median((0..<runs).map { _ in Measure.seconds { _ = values.sorted() } })
            let isTarget = length == 10_000
            report.add("detection, \(label) values (\(result.changes.count) changes)", whole.ms,
                       target: isTarget ? "< 100 ms" : "", met: isTarget ? whole < 0.1 : nil,
                       reference: "CPU time \(Measure.median(cpu).ms); sorting the values once: \(sorting.ms)")

            let previous = try detector.detect(Array(values.dropLast()))
            let appended = Measure.median(try (0..<runs).map { _ in try Measure.seconds { result = try detector.update(previous, with: values) } })
            report.add("one appended value, \(label) values", appended.ms, target: "", met: nil,
                       reference: "examined from the last confirmed change, value \(previous.anchor)")
        }
        print("")
        report.print()
    }

    /// CPU time of this process so far: on a shared machine, wall time includes waiting for a core.
    static func cpuSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// A benchmark-like series: a level near 100 that moves by 3–15 % every 300 to 1,500
    /// values, 1 % Gaussian noise, 1 % spikes; the same every time.
    static func series(length: Int) -> [Double] {
        var random = SplitMix(seed: 7)
        var values: [Double] = []
        values.reserveCapacity(length)
        var level = 100.0
        var nextChange = 300 + Int(random.next() % 1200)
        for index in 0..<length {
            if index == nextChange {
                level *= 1 + (random.next() % 2 == 0 ? 1 : -1) * (0.03 + 0.12 * random.uniform())
                nextChange += 300 + Int(random.next() % 1200)
            }
            let u = max(random.uniform(), .leastNonzeroMagnitude)
            let noise = (-2 * Foundation.log(u)).squareRoot() * cos(2 * .pi * random.uniform())
            let spike = random.uniform() < 0.01 ? 1.5 : 1
            values.append(level * (1 + 0.01 * noise) * spike)
        }
        return values
    }
}

/// SplitMix64: a small seeded random source, so generated series (and a crash trial's
/// kill moments) are the same on every run.
struct SplitMix: RandomNumberGenerator {
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
}
