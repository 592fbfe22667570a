import Foundation
import HefCKKS
import Testing

@testable import HefCircuits

@Suite struct ChebyshevTests {
    static func sigmoid(_ x: Double) -> Double { 1 / (1 + exp(-x)) }
    static func relu(_ x: Double) -> Double { max(0, x) }

    @Test func interpolationIsExactForPolynomials() {
        let f: (Double) -> Double = { 3 * $0 * $0 * $0 - 2 * $0 + 0.5 }
        let s = ChebyshevSeries.approximate(f, degree: 3, interval: -2...5)
        #expect(-log2(s.maxError(of: f)) > 40)
        let p = ChebyshevSeries.fromPowerBasis([0.5, -2, 0, 3])
        #expect(-log2(p.maxError(of: { 3 * $0 * $0 * $0 - 2 * $0 + 0.5 })) > 45)
        #expect(p.degree == 3)
    }

    @Test(arguments: [7, 15, 31, 63])
    func approximationErrors(degree: Int) {
        let tanhErr = ChebyshevSeries.approximate(tanh, degree: degree, interval: -8...8).maxError(of: tanh)
        let sigErr = ChebyshevSeries.approximate(Self.sigmoid, degree: degree, interval: -8...8).maxError(
            of: Self.sigmoid)
        let reluErr = ChebyshevSeries.approximate(Self.relu, degree: degree, interval: -8...8).maxError(of: Self.relu)
        testLog(
            String(format: "degree %d on [-8, 8]: tanh %.2e, sigmoid %.2e, relu %.2e", degree, tanhErr, sigErr, reluErr)
        )
        // Smooth functions converge geometrically; relu (a kink) like 1/degree.
        let tanhBound: [Int: Double] = [7: 0.3, 15: 0.08, 31: 5e-3, 63: 2e-5]
        let sigBound: [Int: Double] = [7: 0.05, 15: 3e-3, 31: 1e-5, 63: 1e-9]
        #expect(tanhErr < tanhBound[degree]!)
        #expect(sigErr < sigBound[degree]!)
        #expect(reluErr < 8.0 / Double(degree))
    }
}
