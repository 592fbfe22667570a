import Foundation
import HefCKKS
import Testing

/// The precision a CKKS result must keep, derived from the parameters as Lattigo's test vectors
/// do: the mean over the slots of −log2|error| is at least log2(Δ) − (log N + 2) bits, for the
/// real part and for the imaginary part. The worst slot may fall `tailBits` lower (the largest
/// of N/2 roughly Gaussian errors sits a few standard deviations out).
public struct PrecisionBudget: Sendable, CustomStringConvertible {
    public let meanBits: Double
    public let minBits: Double
    public static let tailBits = 5.0

    /// - Parameters:
    ///   - scale: the scale the message was encoded at (default: the parameters' Δ; a
    ///     product before rescaling keeps the precision of Δ, not of Δ²).
    ///   - lostBits: what the computation itself costs on top of one fresh encryption, such as
    ///     ½·log2(k) for a sum of k noisy terms, or the growth of values above 1.
    public init(_ parameters: CKKSParameters, scale: Double? = nil, lostBits: Double = 0) {
        let logScale = log2(scale ?? parameters.defaultScale)
        meanBits = max(0, logScale - Double(parameters.logN + 2) - lostBits)
        minBits = max(0, meanBits - Self.tailBits)
    }

    public var description: String {
        String(format: "budget: mean ≥ %.1f bits, min ≥ %.1f bits", meanBits, minBits)
    }
}

/// Precision of a complex result, real and imaginary parts apart.
public struct ComplexPrecisionStats: CustomStringConvertible {
    public let real: PrecisionStats
    public let imag: PrecisionStats

    public init(real: [Double], imag: [Double], wantReal: [Double], wantImag: [Double]? = nil) {
        self.real = PrecisionStats(real, wantReal)
        self.imag = PrecisionStats(imag, wantImag ?? [Double](repeating: 0, count: wantReal.count))
    }

    public func meets(_ budget: PrecisionBudget) -> Bool {
        [real, imag].allSatisfy { $0.meanBits >= budget.meanBits && $0.minBits >= budget.minBits }
    }

    public var description: String { "real: \(real); imaginary: \(imag)" }
}

/// Prints only when HEF_TEST_VERBOSE is set, so that a test run's output stays readable.
public func testLog(_ message: @autoclosure () -> String) {
    if ProcessInfo.processInfo.environment["HEF_TEST_VERBOSE"] != nil { print(message()) }
}

extension Fixture {
    /// Decrypts and decodes both parts of every slot.
    public func decryptComplex(_ ciphertext: Ciphertext) throws -> (real: [Double], imag: [Double]) {
        try context.decode(try decryptor.decrypt(ciphertext))
    }

    /// Decrypts `ciphertext` and expects its real and imaginary parts to match `want` and
    /// `imaginary` (zero by default) within the parameters' ``PrecisionBudget``.
    @discardableResult
    public func expectPrecision(
        _ ciphertext: Ciphertext, _ want: [Double], imaginary: [Double]? = nil, lostBits: Double = 0,
        _ label: String = "", sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> ComplexPrecisionStats {
        let (real, imag) = try decryptComplex(ciphertext)
        let stats = ComplexPrecisionStats(real: real, imag: imag, wantReal: want, wantImag: imaginary)
        let budget = PrecisionBudget(context.parameters, lostBits: lostBits)
        testLog("\(label) \(stats) (\(budget))")
        #expect(stats.meets(budget), "\(label) \(stats) (\(budget))", sourceLocation: sourceLocation)
        return stats
    }
}
