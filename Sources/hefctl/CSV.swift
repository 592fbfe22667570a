import Foundation
import HefClient

/// Rows of real numbers, one vector per line, comma-separated. Blank lines are skipped.
enum CSV {
    struct Row {
        var line: Int
        var values: [Double]
    }

    static func parse(_ text: String, name: String, maxValues: Int) throws -> [Row] {
        var rows: [Row] = []
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            var line = Substring(rawLine)
            if line.hasSuffix("\r") { line = line.dropLast() }
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            var values: [Double] = []
            for (column, field) in line.split(separator: ",", omittingEmptySubsequences: false).enumerated() {
                let trimmed = field.trimmingCharacters(in: .whitespaces)
                guard let v = Double(trimmed), v.isFinite else {
                    let shown = trimmed.isEmpty ? "an empty field" : "'\(trimmed.prefix(40))'"
                    throw UserError("\(name):\(lineNumber):\(column + 1): \(shown) is not a finite number")
                }
                values.append(v)
            }
            guard values.count <= maxValues else {
                throw UserError(
                    "\(name):\(lineNumber): \(values.count) values, but a ciphertext holds at most \(maxValues) (N/2)")
            }
            rows.append(Row(line: lineNumber, values: values))
        }
        return rows
    }

    /// One line of values (the client's format, so remote and local outputs are identical).
    static func format(_ values: ArraySlice<Double>) -> String { PredictionOutput.csvLine(values) }
}
