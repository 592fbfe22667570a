import Foundation
import HefCKKS
import Testing

@testable import HefCircuits

@Suite struct PolynomialEvaluatorTests {
    /// Seven 40-bit levels over a 55-bit base prime (N = 2^10): enough for degree 63 plus the map.
    static let fixture: Fixture = try! Fixture.circuit(circuitParameters(logQ: [55] + Array(repeating: 40, count: 7)))

    @Test func depthFormula() {
        #expect(PolynomialEvaluator.depth(degree: 0) == 0)
        #expect(PolynomialEvaluator.depth(degree: 1) == 1)
        #expect(PolynomialEvaluator.depth(degree: 2) == 2)
        #expect(PolynomialEvaluator.depth(degree: 3) == 2)
        #expect(PolynomialEvaluator.depth(degree: 4) == 3)
        #expect(PolynomialEvaluator.depth(degree: 31) == 5)
        #expect(PolynomialEvaluator.depth(degree: 32) == 6)
    }

    @Test(arguments: Array(1...31))
    func randomSeriesMatchesPlaintext(degree: Int) throws {
        let f = Self.fixture
        // Decaying random coefficients keep |p| moderate on [-1, 1].
        let coeffs = randomValues(degree + 1, seed: UInt64(degree)).enumerated().map {
            $0.element / Double(1 + $0.offset)
        }
        let series = ChebyshevSeries(coefficients: coeffs)
        let xs = randomValues(f.context.parameters.maxSlots, seed: 99 + UInt64(degree))
        let ct = try f.encrypt(xs)
        let out = try PolynomialEvaluator(evaluator: f.evaluator).evaluate(ct, series)
        #expect(ct.level - out.level == PolynomialEvaluator.depth(degree: degree))
        #expect(abs(out.scale - ct.scale) <= 1e-9 * ct.scale)
        let got = try f.decrypt(out)
        let stats = PrecisionStats(got, xs.map { series.evaluate($0) })
        #expect(stats.minBits > 18, "degree \(degree): \(stats)")
    }

    @Test(arguments: [15, 31, 63])
    func tanhOnInterval(degree: Int) throws {
        let f = Self.fixture
        let series = ChebyshevSeries.approximate(tanh, degree: degree, interval: -8...8)
        let xs = randomValues(f.context.parameters.maxSlots, seed: 5).map { 8 * $0 }
        let ct = try f.encrypt(xs)
        let out = try PolynomialEvaluator(evaluator: f.evaluator).evaluate(ct, series)
        #expect(ct.level - out.level == PolynomialEvaluator.depth(of: series))
        #expect(PolynomialEvaluator.depth(of: series) == PolynomialEvaluator.depth(degree: degree) + 1)
        let stats = PrecisionStats(try f.decrypt(out), xs.map { series.evaluate($0) })
        testLog("tanh degree \(degree): \(stats)")
        #expect(stats.minBits > 16, "\(stats)")
    }

    @Test func targetScaleAndPowerBasis() throws {
        let f = Self.fixture
        let xs = randomValues(64, seed: 3)
        let ct = try f.encrypt(xs)
        let pe = PolynomialEvaluator(evaluator: f.evaluator)
        let square = try pe.evaluatePowerBasis(ct, coefficients: [0, 0, 1])
        #expect(ct.level - square.level == 2)
        #expect(PrecisionStats(try f.decrypt(square), xs.map { $0 * $0 }).minBits > 20)
        let target = Foundation.pow(2.0, 38.0)
        let cubic = try pe.evaluatePowerBasis(ct, coefficients: [0.25, 0.5, 0, 0.125], targetScale: target)
        #expect(cubic.scale == target)
        #expect(PrecisionStats(try f.decrypt(cubic), xs.map { 0.25 + 0.5 * $0 + 0.125 * $0 * $0 * $0 }).minBits > 20)
    }

    @Test func linearCombinationMatchesPlaintext() throws {
        let f = Self.fixture
        let count = 20
        let vectors = (0..<count).map { randomValues(128, seed: 1000 + UInt64($0)) }
        let cts = try vectors.map { try f.encrypt($0) }
        let coeffs = randomValues(count, seed: 77).map { 3 * $0 }
        let sum = try f.evaluator.linearCombination(cts, coeffs, constant: 0.75)
        let out = try f.evaluator.rescale(sum)
        #expect(abs(out.scale - cts[0].scale) <= 1e-9 * cts[0].scale)
        #expect(out.level == cts[0].level - 1)
        let want = (0..<128).map { i in 0.75 + (0..<count).reduce(0.0) { $0 + coeffs[$1] * vectors[$1][i] } }
        let stats = PrecisionStats(try f.decrypt(out), want)
        #expect(stats.minBits > 20, "\(stats)")

        let scaled = try f.evaluator.rescale(
            try f.evaluator.multiply(cts[0], scalar: -2.5, rescaledScale: Foundation.pow(2.0, 45.0)))
        #expect(abs(scaled.scale - Foundation.pow(2.0, 45.0)) <= 1e-9 * Foundation.pow(2.0, 45.0))
        #expect(PrecisionStats(try f.decrypt(scaled), vectors[0].map { -2.5 * $0 }).minBits > 20)
    }
}
