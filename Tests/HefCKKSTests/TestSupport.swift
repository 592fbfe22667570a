import Foundation
import Testing
@testable import HefCKKS

/// Precision statistics like Lattigo's: log2 of the absolute error against the plaintext
/// computation, reported as bits of precision (−log2 error).
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

/// A deterministic stream for reproducible tests.
func testStream(_ tag: UInt8) -> RandomStream {
    RandomStream(seed: [UInt8](repeating: tag, count: 32))
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

/// Small, fast parameters (insecure: N = 2^10) for most tests.
func smallParameters(logN: Int = 10, logQ: [Int] = [55, 40, 40], logP: [Int] = [55], dnum: Int? = nil) throws -> CKKSParameters {
    try CKKSParameters(
        ParametersLiteral(logN: logN, logQ: logQ, logP: logP, logScale: 40, dnum: dnum),
        insecure: InsecureParametersForTestingOnly())
}

/// Keys and helpers for one context.
struct Fixture {
    let context: CKKSContext
    let secretKey: SecretKey
    let publicKey: PublicKey
    let evaluationKeys: EvaluationKeys
    let encryptor: Encryptor
    let decryptor: Decryptor
    let evaluator: Evaluator

    init(_ parameters: CKKSParameters, backend: any RingBackend = NativeBackend(), rotations: [Int] = [1, 2, 3, -1, 5], seedTag: UInt8 = 7) throws {
        context = CKKSContext(parameters: parameters, backend: backend)
        var stream = testStream(seedTag)
        let generator = KeyGenerator(context: context)
        secretKey = generator.secretKey(stream: &stream)
        publicKey = try generator.publicKey(for: secretKey, stream: &stream)
        evaluationKeys = try generator.evaluationKeys(for: secretKey, rotations: rotations, conjugation: true, stream: &stream)
        encryptor = Encryptor(context: context)
        decryptor = try Decryptor(context: context, secretKey: secretKey)
        evaluator = try Evaluator(context: context, keys: evaluationKeys)
    }

    func encrypt(_ values: [Double], level: Int? = nil) throws -> Ciphertext {
        try encryptor.encrypt(try context.encode(values, level: level), publicKey: publicKey)
    }

    func decrypt(_ ct: Ciphertext) throws -> [Double] {
        try decryptor.decryptValues(ct)
    }
}
