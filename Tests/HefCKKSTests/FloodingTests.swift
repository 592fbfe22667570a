import Foundation
import Testing

@testable import HefCKKS

/// Noise-flooding decryption: σ follows the documented formula, the flooded result stays
/// within the predicted distance of the plain one, and every flooded decryption is fresh.
@Suite struct FloodingTests {
    @Test func sigmaFollowsTheFormula() throws {
        let p = try FloodingPolicy(noiseBound: .precisionBits(20), queries: 4, securityBits: 30)
        // σ = √(12·Q) · 2^(λ/2) · Δ·2^-p
        #expect(p.sigma(n: 8192, scale: 0x1p40) == (48.0).squareRoot() * 0x1p15 * 0x1p20)
        #expect(p.errorNormBound(n: 8192, scale: 0x1p40) == 0x1p20)
        let b = try FloodingPolicy(noiseBound: .coefficientBound(8), securityBits: 40)
        // ‖e‖₂ ≤ √N · B
        #expect(b.errorNormBound(n: 1024, scale: 0x1p40) == 32 * 8)
        #expect(b.sigma(n: 1024, scale: 0x1p40) == (12.0).squareRoot() * 0x1p20 * 256)
        // The divergence this buys: Q·E₂²/(2σ²) = 2^-λ/24.
        let e2 = p.errorNormBound(n: 8192, scale: 0x1p40)
        let s = p.sigma(n: 8192, scale: 0x1p40)
        #expect(abs(4 * e2 * e2 / (2 * s * s) - 0x1p-30 / 24) < 1e-6 * 0x1p-30)
        #expect(abs(p.slotDeviation(n: 8192, scale: 0x1p40) - s * (4096.0).squareRoot() / 0x1p40) < 1e-12)
        // Refused policies, typed.
        #expect(throws: CKKSError.self) { try FloodingPolicy(noiseBound: .precisionBits(20), queries: 0) }
        #expect(throws: CKKSError.self) { try FloodingPolicy(noiseBound: .precisionBits(20), securityBits: 0) }
        #expect(throws: CKKSError.self) { try FloodingPolicy(noiseBound: .precisionBits(.nan)) }
        #expect(throws: CKKSError.self) { try FloodingPolicy(noiseBound: .coefficientBound(-1)) }
    }

    @Test func floodedDecryptionIsWithinThePredictedDistance() throws {
        let f = try Fixture.circuit(try smallParameters())
        let n = f.context.parameters.n
        let x = randomValues(n / 2, seed: 11)
        let a = try f.encrypt(x)
        let product = try f.evaluator.rescale(try f.evaluator.multiplyRelinearize(a, a))
        let policy = try FloodingPolicy(noiseBound: .precisionBits(45), queries: 2, securityBits: 30)
        let predicted = policy.slotDeviation(n: n, scale: product.scale)
        let plain = try f.decryptor.decryptValues(product)
        let flooded = try f.decryptor.decryptValues(product, flooding: policy)
        // The difference is the flooding noise alone: per slot N(0, predicted²).
        let diff = zip(flooded, plain).map { $0 - $1 }
        let rms = (diff.map { $0 * $0 }.reduce(0, +) / Double(diff.count)).squareRoot()
        #expect(rms > 0.8 * predicted && rms < 1.2 * predicted, "rms \(rms) vs predicted \(predicted)")
        #expect(diff.allSatisfy { abs($0) < 7 * predicted })
        // Still the right answer within that distance.
        for i in x.indices { #expect(abs(flooded[i] - x[i] * x[i]) < 7 * predicted + 1e-6) }
    }

    @Test func twoFloodedDecryptionsDiffer() throws {
        let f = try Fixture.circuit(try smallParameters())
        let ct = try f.encrypt([0.5, -0.25, 1])
        let policy = try FloodingPolicy(noiseBound: .precisionBits(30))
        let one = try f.decryptor.decryptValues(ct, flooding: policy)
        let two = try f.decryptor.decryptValues(ct, flooding: policy)
        #expect(one != two)
        // The plain decryption is deterministic.
        #expect(try f.decryptor.decryptValues(ct) == f.decryptor.decryptValues(ct))
    }

    @Test func floodingThatDoesNotFitIsRefused() throws {
        let f = try Fixture.circuit(try smallParameters())
        let a = try f.encrypt([0.5])
        let low = try f.evaluator.rescale(
            try f.evaluator.rescale(try f.evaluator.multiply(a, scalar: 1, rescaledScale: a.scale)))
        // σ = √12 · 2^64 · 2^40·2^-(-20): far beyond the 55-bit modulus at level 0.
        let policy = try FloodingPolicy(noiseBound: .precisionBits(-20), securityBits: 128)
        #expect {
            try f.decryptor.decryptValues(low, flooding: policy)
        } throws: { error in
            if case CKKSError.floodingTooLarge = error { return true }
            return false
        }
    }

    /// The precision cost at the presets, after one multiply + relinearize + rescale, with the
    /// noise bound declared as the measured plain precision (rounded down). Prints the figures
    /// docs/flooding.md quotes:
    ///   swift test --scratch-path .build-ckks --filter FloodingTests/precisionCostAtThePresets
    @Test(arguments: [ParametersPreset.n8192, .n16384])
    func precisionCostAtThePresets(_ preset: ParametersPreset) throws {
        let f = try Fixture.circuit(try CKKSParameters(preset: preset))
        let n = f.context.parameters.n
        let x = randomValues(n / 2, seed: 5)
        let a = try f.encrypt(x)
        let product = try f.evaluator.rescale(try f.evaluator.multiplyRelinearize(a, a))
        let want = x.map { $0 * $0 }
        let plain = PrecisionStats(try f.decryptor.decryptValues(product), want)
        let declared = plain.minBits.rounded(.down)
        for bits in [30.0, 55.0] {
            let policy = try FloodingPolicy(noiseBound: .precisionBits(declared), queries: 1, securityBits: bits)
            let flooded = PrecisionStats(try f.decryptor.decryptValues(product, flooding: policy), want)
            let deviation = policy.slotDeviation(n: n, scale: product.scale)
            testLog(
                String(
                    format:
                        "FLOOD %@ λ=%.0f Q=1 declared p=%.0f: plain %@ | flooded %@ | σ=2^%.1f, predicted slot std 2^%.1f, cost %.1f bits (min), %.1f bits (mean)",
                    preset.rawValue, bits, declared, plain.description, flooded.description,
                    log2(policy.sigma(n: n, scale: product.scale)), log2(deviation),
                    plain.minBits - flooded.minBits, plain.meanBits - flooded.meanBits))
            // Within the prediction: the worst slot is below 7 standard deviations.
            #expect(flooded.minBits > -log2(7 * deviation + 2 * pow(2, -plain.minBits)))
            #expect(flooded.minBits < plain.minBits)
        }
    }
}
