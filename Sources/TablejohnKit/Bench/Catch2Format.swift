// Catch2's XML reporter (`-r xml`) with benchmarks.
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Each `<BenchmarkResults name="…">` becomes `NAME/mean` in nanoseconds (Catch2 reports
/// every value in ns): the mean with its bootstrap bounds, and `NAME/std_dev`.
enum Catch2Format: ResultAdapter {
    static let format = ResultFormat.catch2

    static func recognizes(_ input: ResultInput) -> Bool {
        input.json == nil && ((input.text.containsUTF8("<Catch2TestRun") && input.text.contains("<Catch2TestRun"))
            || (input.text.containsUTF8("<Catch ") && input.text.contains("<Catch ")))
    }

    static func parse(_ input: ResultInput) throws(ResultFormatError) -> [Measurement] {
        // Foundation's XMLParser on Linux calls strlen on a processing instruction's data
        // even when it has none (`<?pi?>`), which kills the process; Catch2 writes no
        // processing instruction but the XML declaration, so any other is refused unread.
        if hasProcessingInstruction(input.text) {
            throw ResultFormatError(format, "processing instructions (<?…?>) other than the XML declaration are not supported")
        }
        let reader = Reader()
        let parser = XMLParser(data: Data(input.text.utf8))
        parser.delegate = reader
        if !parser.parse() {
            let cause = parser.parserError.map { "\($0.localizedDescription)" } ?? "malformed XML"
            throw ResultFormatError(format, reader.problem ?? "line \(parser.lineNumber): \(cause)")
        }
        if let problem = reader.problem { throw ResultFormatError(format, problem) }
        // libxml2 through XMLParser accepts a document that stops mid-way; a cut file must
        // not pass for a whole one.
        if let open = reader.open.last {
            throw ResultFormatError(format, "line \(parser.lineNumber): the document ends inside <\(open)>; it looks cut short")
        }
        return reader.measurements
    }

    /// Whether `text` holds `<?` anywhere but in an XML declaration at its start.
    static func hasProcessingInstruction(_ text: String) -> Bool {
        var bytes = text.utf8[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        if bytes.starts(with: Array("<?xml".utf8)), let next = bytes.dropFirst(5).first, [0x20, 0x09, 0x0A, 0x0D].contains(next) {
            bytes = bytes.dropFirst(5)
            guard let end = bytes.firstRange(of: Array("?>".utf8)) else { return false }  // an unterminated declaration fails to parse
            bytes = bytes[end.upperBound...]
        }
        return bytes.firstRange(of: Array("<?".utf8)) != nil
    }

    private final class Reader: NSObject, XMLParserDelegate {
        var measurements: [Measurement] = []
        var problem: String?
        /// Elements opened and not yet closed.
        var open: [String] = []
        private var benchmark: String?

        func parser(_ parser: XMLParser, didStartElement element: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            open.append(element)
            switch element {
            case "BenchmarkResults":
                benchmark = attributes["name"]
                if benchmark?.isEmpty != false { fail(parser, "a BenchmarkResults element has no name") }
            case "mean", "standardDeviation":
                guard let benchmark else { return }
                guard let value = attributes["value"].flatMap(Double.init), value.isFinite else {
                    return fail(parser, "\(benchmark): <\(element)> needs a numeric value")
                }
                do {
                    // `Double("inf")` and `Double("nan")` parse; the measurement refuses them.
                    measurements.append(try Measurement(metric: "\(benchmark)/\(element == "mean" ? "mean" : "std_dev")", value: value,
                                                        unit: "ns", lower: attributes["lowerBound"].flatMap(Double.init),
                                                        upper: attributes["upperBound"].flatMap(Double.init)))
                } catch {
                    fail(parser, error.description)
                }
            default:
                break
            }
        }

        func parser(_ parser: XMLParser, didEndElement element: String, namespaceURI: String?, qualifiedName: String?) {
            open.removeLast()
            if element == "BenchmarkResults" { benchmark = nil }
        }

        private func fail(_ parser: XMLParser, _ message: String) {
            problem = "line \(parser.lineNumber): \(message)"
            parser.abortParsing()
        }
    }
}
