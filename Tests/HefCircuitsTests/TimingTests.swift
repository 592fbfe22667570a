import Foundation
import Testing
@testable import HefCircuits

/// Rough timings at N = 2^13 (run with HEF_CIRCUITS_TIMING=1).
@Suite(.enabled(if: ProcessInfo.processInfo.environment["HEF_CIRCUITS_TIMING"] != nil))
struct TimingTests {
    func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = ContinuousClock.now
        try body()
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    @Test func transform64AtN8192() throws {
        let params = try circuitParameters(logN: 13, logQ: [60, 40, 40, 40], logP: [60])
        let slots = params.maxSlots
        let d = 64
        let m = randomMatrix(d, d, seed: 5)
        let lt = try LinearTransform(matrix: m, blockSize: d, slots: slots)
        let f = try Fixture.circuit(params, rotations: lt.rotationSteps)
        let x = randomValues(d, seed: 6)
        let ct = try f.encrypt((0..<slots).map { x[$0 % d] })
        var enc: EncodedLinearTransform?
        let tEncode = try seconds { enc = try lt.encoded(context: f.context, level: ct.level) }
        var y: Ciphertext?
        _ = try lt.evaluate(ct, evaluator: f.evaluator, encoded: enc)   // warm-up
        let runs = 5
        let tEval = try seconds { for _ in 0..<runs { y = try lt.evaluate(ct, evaluator: f.evaluator, encoded: enc) } } / Double(runs)
        let want = matVec(m, x)
        let stats = PrecisionStats(try f.decrypt(y!), (0..<slots).map { want[$0 % d] })
        print(String(format: "64×64 at N=8192 (n1=%d, %d rotations, %d diagonals): encode %.1f ms, evaluate %.1f ms; %@",
                     lt.babyStep, lt.rotationSteps.count, lt.diagonalCount, tEncode * 1e3, tEval * 1e3, stats.description))

        // Throughput packing: 64 ciphertexts × constants, one linear combination.
        let cts = try (0..<64).map { try f.encrypt(randomValues(slots, seed: 100 + UInt64($0))) }
        let coeffs = randomValues(64, seed: 7)
        let tLC = try seconds { for _ in 0..<runs { _ = try f.evaluator.linearCombination(cts, coeffs) } } / Double(runs)
        let tNaive = try seconds {
            var acc = try f.evaluator.multiply(cts[0], scalar: coeffs[0])
            for i in 1..<64 { acc = try f.evaluator.add(acc, try f.evaluator.multiply(cts[i], scalar: coeffs[i])) }
        }
        print(String(format: "linearCombination of 64 at N=8192, level 3: %.2f ms (naive multiply+add: %.2f ms)", tLC * 1e3, tNaive * 1e3))
    }
}
