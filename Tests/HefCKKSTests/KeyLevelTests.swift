import Foundation
import HefRing
import HefTestSupport
import Testing

@testable import HefCKKS

/// Galois keys that stop below the top level: the same rotations at their levels, a typed
/// refusal above, fewer bytes, and a file round trip.
@Suite struct KeyLevelTests {
    /// Five levels, two primes per digit: a key up to level 1 keeps q_0, q_1 and P, one digit.
    static func context() throws -> CKKSContext {
        let parameters = try CKKSParameters(
            ParametersLiteral(logN: 10, logQ: [55, 40, 40, 40, 40, 40], logP: [55, 55], logScale: 40, dnum: 3),
            insecure: InsecureParametersForTestingOnly())
        return CKKSContext(parameters: parameters)
    }

    @Test func aKeyUpToALevelRotatesThereAndRefusesAbove() throws {
        let context = try Self.context()
        var stream = testStream(41)
        let generator = KeyGenerator(context: context)
        let secretKey = generator.secretKey(stream: &stream)
        let publicKey = try generator.publicKey(for: secretKey, stream: &stream)
        let g = context.encoder.galoisElement(forStep: 3, slots: context.parameters.maxSlots)
        let whole = try generator.galoisKey(for: secretKey, galoisElement: g, stream: &stream)
        let low = try generator.galoisKey(for: secretKey, galoisElement: g, maxLevel: 1, stream: &stream)
        #expect(whole.maxLevel == 5 && whole.digitCount == 3 && whole.primeCount == 8)
        #expect(low.maxLevel == 1 && low.digitCount == 1 && low.primeCount == 4)
        #expect(low.seededByteCount * 5 < whole.seededByteCount) // 1 digit × 4 primes vs 3 × 8
        #expect(throws: CKKSError.self) {
            try generator.galoisKey(for: secretKey, galoisElement: g, maxLevel: 6, stream: &stream)
        }

        let keys = EvaluationKeys(
            relinearization: nil, galois: [g: low], parametersID: context.parameters.id, keyID: secretKey.keyID)
        // Through a file: the restricted key re-expands its a_j from the seed.
        let file = try keys.serialized(context: context)
        #expect(try keys.serializedByteCount(context: context) == file.count)
        let reloaded = try EvaluationKeys(deserializing: file, context: context)
        #expect(reloaded.galois[g]?.data == low.data && reloaded.galois[g]?.maxLevel == 1)
        let evaluator = try Evaluator(context: context, keys: reloaded)
        let decryptor = try Decryptor(context: context, secretKey: secretKey)
        let values = randomValues(context.parameters.maxSlots, seed: 3)
        let want = (0..<values.count).map { values[($0 + 3) % values.count] }
        for level in 0...1 {
            let ct = try Encryptor(context: context).encrypt(
                try context.encode(values, level: level), publicKey: publicKey)
            let stats = PrecisionStats(try decryptor.decryptValues(try evaluator.rotate(ct, by: 3)), want)
            #expect(stats.minBits >= 20, "level \(level): \(stats)")
        }
        let high = try Encryptor(context: context).encrypt(try context.encode(values, level: 2), publicKey: publicKey)
        #expect(throws: CKKSError.keyBelowLevel(key: "Galois key for element \(g)", keyLevel: 1, level: 2)) {
            try evaluator.rotate(high, by: 3)
        }
        #expect(throws: CKKSError.self) { try evaluator.rotations(high, by: [3]) }
    }

    /// A key record whose prime count does not match its digit count (or any level) is refused.
    @Test func inconsistentKeyRecordsAreRefused() throws {
        let context = try Self.context()
        var stream = testStream(42)
        let generator = KeyGenerator(context: context)
        let secretKey = generator.secretKey(stream: &stream)
        let g = context.encoder.galoisElement(forStep: 1, slots: context.parameters.maxSlots)
        let low = try generator.galoisKey(for: secretKey, galoisElement: g, maxLevel: 1, stream: &stream)
        let keys = EvaluationKeys(
            relinearization: nil, galois: [g: low], parametersID: context.parameters.id, keyID: secretKey.keyID)
        let bytes = try keys.serialized(context: context)
        // flags u8, count u32, element u32, then the record: flags u8, digits u16, primes u16.
        let record = HefFile.prefixSize(context.parameters) + 1 + 4 + 4
        for (offset, value) in [(record + 1, 2), (record + 3, 9), (record + 3, 2), (record + 3, 5)] {
            var bad = bytes
            bad[offset] = UInt8(value)
            #expect(throws: CKKSError.self, "offset \(offset) value \(value)") {
                try EvaluationKeys(deserializing: bad, context: context)
            }
        }
    }
}
