import HefCKKS
import Testing

/// The README's library quick start, verbatim, so the snippet keeps compiling and working.
@Test func readmeQuickStart() throws {
    // --- README quick start begins ---
    let context = try CKKSContext(preset: .n8192) // N = 8192, depth 2, scale 2^40
    let keygen = KeyGenerator(context: context)
    let secretKey = keygen.secretKey()
    let publicKey = try keygen.publicKey(for: secretKey)
    let evalKeys = try keygen.evaluationKeys(for: secretKey, rotations: [1])

    let x = try Encryptor(context: context).encrypt(context.encode([1.5, 2.0, -3.25]), publicKey: publicKey)
    let evaluator = try Evaluator(context: context, keys: evalKeys) // public material only
    var y = try evaluator.multiplyRelinearize(x, x) // x²
    y = try evaluator.rescale(y)
    y = try evaluator.rotate(y, by: 1) // slot i ← slot i+1

    let result = try Decryptor(context: context, secretKey: secretKey).decryptValues(y)
    print(result.prefix(3)) // ≈ [4.0, 10.5625, 0.0]
    // --- README quick start ends ---
    #expect(abs(result[0] - 4.0) < 1e-5)
    #expect(abs(result[1] - 10.5625) < 1e-5)
    #expect(abs(result[2]) < 1e-5)
}
