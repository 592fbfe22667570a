import Foundation
import Testing
@testable import HefCircuits

/// Bits of precision (−log2 of the absolute error) against a plaintext computation.
struct PrecisionStats: CustomStringConvertible {
    let minBits: Double
    let meanBits: Double

    init(_ got: [Double], _ want: [Double]) {
        precondition(got.count >= want.count)
        var worst = 0.0, sumBits = 0.0
        for i in want.indices {
            let err = max(abs(got[i] - want[i]), 1e-300)
            worst = max(worst, err)
            sumBits += -log2(err)
        }
        minBits = -log2(max(worst, 1e-300))
        meanBits = sumBits / Double(max(want.count, 1))
    }

    var description: String { String(format: "min %.1f bits, mean %.1f bits", minBits, meanBits) }
}

/// Reproducible pseudo-random reals in [-1, 1].
func randomValues(_ count: Int, seed: UInt64) -> [Double] {
    var state = seed
    return (0..<count).map { _ in
        state = state &+ 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Double(z >> 11) / Double(1 << 53) * 2 - 1
    }
}

/// Small insecure parameters for tests.
func circuitParameters(logN: Int = 10, logQ: [Int], logP: [Int] = [55], logScale: Double = 40) throws -> CKKSParameters {
    try CKKSParameters(
        ParametersLiteral(logN: logN, logQ: logQ, logP: logP, logScale: logScale, dnum: nil),
        insecure: InsecureParametersForTestingOnly())
}

/// Keys and helpers for one context, with exactly the given rotation keys.
struct CircuitFixture {
    let context: CKKSContext
    let secretKey: SecretKey
    let publicKey: PublicKey
    let evaluationKeys: EvaluationKeys
    let encryptor: Encryptor
    let decryptor: Decryptor
    let evaluator: Evaluator

    init(_ parameters: CKKSParameters, rotations: [Int] = [], slots: Int? = nil, seedTag: UInt8 = 7) throws {
        context = CKKSContext(parameters: parameters)
        var stream = RandomStream(seed: [UInt8](repeating: seedTag, count: 32))
        let generator = KeyGenerator(context: context)
        secretKey = generator.secretKey(stream: &stream)
        publicKey = try generator.publicKey(for: secretKey, stream: &stream)
        evaluationKeys = try generator.evaluationKeys(for: secretKey, rotations: rotations, slots: slots, stream: &stream)
        encryptor = Encryptor(context: context)
        decryptor = try Decryptor(context: context, secretKey: secretKey)
        evaluator = try Evaluator(context: context, keys: evaluationKeys)
    }

    func encrypt(_ values: [Double], slots: Int? = nil, level: Int? = nil) throws -> Ciphertext {
        try encryptor.encrypt(try context.encode(values, level: level, slots: slots), publicKey: publicKey)
    }

    func decrypt(_ ct: Ciphertext) throws -> [Double] {
        try decryptor.decryptValues(ct)
    }
}
