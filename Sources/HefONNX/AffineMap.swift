import Foundation
import HefML

/// `z = M·x + b`: the linear operations accumulated since the last activation (or since the
/// graph input). `M` stays diagonal as long as only element-wise operations (`Sub`, `Mul`,
/// `Scaler`, ...) were applied, so that pre-processing at the input can become the model's
/// scaler.
struct AffineMap: Sendable {
    /// Width of `x`.
    private(set) var inputSize: Int
    /// `outputSize` rows of `inputSize` numbers; nil while the map is diagonal.
    private(set) var matrix: [[Double]]?
    /// The diagonal of `M` while `matrix` is nil.
    private(set) var diagonal: [Double]
    private(set) var bias: [Double]

    static func identity(_ n: Int) -> AffineMap {
        AffineMap(
            inputSize: n, matrix: nil, diagonal: [Double](repeating: 1, count: n),
            bias: [Double](repeating: 0, count: n))
    }

    var outputSize: Int { bias.count }
    var isDiagonal: Bool { matrix == nil }
    var isIdentity: Bool {
        matrix == nil && diagonal.allSatisfy { $0 == 1 } && bias.allSatisfy { $0 == 0 }
    }

    /// z ← c ⊙ z (c has `outputSize` elements).
    mutating func scale(by c: [Double]) {
        precondition(c.count == outputSize)
        if matrix != nil {
            for o in 0..<outputSize { matrix![o] = matrix![o].map { $0 * c[o] } }
        } else {
            for o in 0..<outputSize { diagonal[o] *= c[o] }
        }
        for o in 0..<outputSize { bias[o] *= c[o] }
    }

    /// z ← z + c.
    mutating func shift(by c: [Double]) {
        precondition(c.count == outputSize)
        for o in 0..<outputSize { bias[o] += c[o] }
    }

    /// z ← W·z, with `W` as `rows` of `outputSize` numbers (our `[out][in]` layout).
    mutating func multiply(by w: [[Double]]) {
        let n = outputSize
        var newMatrix = [[Double]](repeating: [Double](repeating: 0, count: inputSize), count: w.count)
        var newBias = [Double](repeating: 0, count: w.count)
        for (o, row) in w.enumerated() {
            precondition(row.count == n)
            var b = 0.0
            for k in 0..<n { b += row[k] * bias[k] }
            newBias[o] = b
            if let matrix {
                var acc = [Double](repeating: 0, count: inputSize)
                for k in 0..<n where row[k] != 0 {
                    let r = row[k]
                    let m = matrix[k]
                    for i in 0..<inputSize { acc[i] += r * m[i] }
                }
                newMatrix[o] = acc
            } else {
                for i in 0..<inputSize { newMatrix[o][i] = row[i] * diagonal[i] }
            }
        }
        matrix = newMatrix
        bias = newBias
        diagonal = []
    }

    /// `M` as rows, materialising a diagonal.
    var weights: [[Double]] {
        if let matrix { return matrix }
        return (0..<inputSize).map { o in
            var row = [Double](repeating: 0, count: inputSize)
            row[o] = diagonal[o]
            return row
        }
    }

    /// The map as a StandardScaler `(x − mean)/scale`, when it is diagonal with no zero factor.
    var asScaler: Scaler? {
        guard matrix == nil, diagonal.allSatisfy({ $0 != 0 && $0.isFinite }) else { return nil }
        // z = d·x + b = (x − (−b/d)) / (1/d)
        return Scaler(mean: zip(bias, diagonal).map { -$0 / $1 }, scale: diagonal.map { 1 / $0 })
    }
}
