import Testing
@testable import TablejohnKit

@Suite("Catch2 XML")
struct Catch2FormatTests {
    static func document(_ body: String) -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <Catch2TestRun name="benchmarks" rng-seed="2431089263" xml-format-version="2" catch2-version="3.5.2">
        \(body)
          <OverallResults successes="0" failures="0" expectedFailures="0" skips="0"/>
          <OverallResultsCases successes="2" failures="0" expectedFailures="0" skips="0"/>
        </Catch2TestRun>
        """
    }

    static func benchmark(_ name: String, mean: String, low: String, high: String) -> String {
        """
            <BenchmarkResults name="\(name)" samples="100" resamples="100000" iterations="1" clockResolution="18.6" estimatedDuration="2.91e+06">
              <!-- All values in nano seconds -->
              <mean value="\(mean)" lowerBound="\(low)" upperBound="\(high)" ci="0.95"/>
              <standardDeviation value="612.5" lowerBound="423.5" upperBound="880" ci="0.95"/>
              <outliers variance="0.0975" lowMild="0" lowSevere="0" highMild="2" highSevere="3"/>
            </BenchmarkResults>
        """
    }

    @Test("benchmarks of two test cases: mean with bounds and the standard deviation, in ns")
    func twoTestCases() throws {
        let output = Self.document("""
              <TestCase name="Fibonacci" tags="[!benchmark]" filename="/src/bench/fib.cpp" line="12">
            \(Self.benchmark("Fibonacci 20", mean: "29087.5", low: "28982.5", high: "29237"))
            \(Self.benchmark("Fibonacci 25", mean: "322750", low: "321500", high: "324250"))
                <OverallResult success="true" skips="0"/>
              </TestCase>
              <TestCase name="Parsing &amp; tokens" tags="[!benchmark]" filename="/src/bench/parse.cpp" line="40">
            \(Self.benchmark("parse &lt;small&gt;", mean: "1250", low: "1240", high: "1262.5"))
                <OverallResult success="true" skips="0"/>
              </TestCase>
            """)
        let measurements = try readResults(output, expecting: .catch2)
        #expect(measurements.map(\.metric) == ["Fibonacci 20/mean", "Fibonacci 20/std_dev", "Fibonacci 25/mean", "Fibonacci 25/std_dev",
                                              "parse <small>/mean", "parse <small>/std_dev"])
        #expect(try measurements[0] == Measurement(metric: "Fibonacci 20/mean", value: 29087.5, unit: "ns", lower: 28982.5, upper: 29237))
        #expect(try measurements[1] == Measurement(metric: "Fibonacci 20/std_dev", value: 612.5, unit: "ns", lower: 423.5, upper: 880))
        #expect(measurements[4].value == 1250)
    }

    @Test("Catch2 v2's <Catch> root with a benchmark inside a section")
    func catch2Version2() throws {
        let output = """
            <?xml version="1.0" encoding="UTF-8"?>
            <Catch name="bench_strings">
              <Group name="bench_strings">
                <TestCase name="string building" tags="[!benchmark]" filename="/src/bench/strings.cpp" line="8">
                  <Section name="append" filename="/src/bench/strings.cpp" line="10">
                    <BenchmarkResults name="append 1000 chars" samples="100" resamples="100000" iterations="2" clockResolution="20.1" estimatedDuration="4.1e+06">
                      <!--All values in nano seconds-->
                      <mean value="20512.25" lowerBound="20401" upperBound="20650.5" ci="0.95"/>
                      <standardDeviation value="350" lowerBound="280.25" upperBound="455" ci="0.95"/>
                      <outliers variance="0.01" lowMild="0" lowSevere="0" highMild="1" highSevere="0"/>
                    </BenchmarkResults>
                    <OverallResults successes="0" failures="0" expectedFailures="0"/>
                  </Section>
                  <OverallResult success="true"/>
                </TestCase>
                <OverallResults successes="0" failures="0" expectedFailures="0"/>
              </Group>
              <OverallResults successes="0" failures="0" expectedFailures="0"/>
            </Catch>
            """
        #expect(try readResults(output, expecting: .catch2) == [
            try Measurement(metric: "append 1000 chars/mean", value: 20512.25, unit: "ns", lower: 20401, upper: 20650.5),
            try Measurement(metric: "append 1000 chars/std_dev", value: 350, unit: "ns", lower: 280.25, upper: 455),
        ])
    }

    @Test("a run with no benchmarks has no measurements, which is an error")
    func noBenchmarks() {
        let output = Self.document("""
              <TestCase name="adds" filename="/src/test.cpp" line="3">
                <OverallResult success="true" skips="0"/>
              </TestCase>
            """)
        #expect(resultError(output, as: nil) == "Catch2 XML: no measurements found")
    }

    @Test("a cut document or a non-numeric mean is an error naming the line")
    func broken() {
        // Cut after the first mean: its measurement must not come out as if the file were whole.
        let whole = Self.document(Self.benchmark("Fibonacci 20", mean: "29087.5", low: "1", high: "2"))
        let cut = String(whole[..<whole.range(of: "<standardDeviation")!.lowerBound])
        let error = resultError(cut, as: nil)
        #expect(error?.hasPrefix("Catch2 XML: line ") == true, "\(error ?? "no error")")
        #expect(error?.hasSuffix("the document ends inside <BenchmarkResults>; it looks cut short") == true)
        let garbled = Self.document(Self.benchmark("Fibonacci 20", mean: "fast", low: "1", high: "2"))
        #expect(resultError(garbled, as: .catch2) == "Catch2 XML: line 5: Fibonacci 20: <mean> needs a numeric value")
    }
}
