import Foundation
import HefRing
import Testing

@testable import HefCKKS

/// Client-aided refresh: the server masks, the key holder re-encrypts at the top level, the
/// server unmasks; the message survives with its scale, the key holder sees only masked
/// integers, and a mask that the modulus cannot hold is refused.
@Suite struct RefreshTests {
    /// Nine primes: a 55-bit q_0 and eight 40-bit ones (the mask needs about 170 bits).
    static func parameters() throws -> CKKSParameters {
        try smallParameters(logN: 11, logQ: [55] + Array(repeating: 40, count: 8), logP: [55, 55], logScale: 40)
    }

    @Test func maskRefreshUnmaskKeepsTheMessage() throws {
        let f = try Fixture.circuit(try Self.parameters())
        let parameters = f.context.parameters
        let slots = parameters.maxSlots
        let x = randomValues(slots, seed: 41)
        // Two products deep: level maxLevel − 2.
        var ct = try f.encrypt(x)
        ct = try f.evaluator.rescale(try f.evaluator.multiplyRelinearize(ct, ct))
        ct = try f.evaluator.rescale(try f.evaluator.multiplyRelinearize(ct, ct))
        let expected = x.map { $0 * $0 * $0 * $0 }
        let bits = RefreshMask.bits(scale: ct.scale, valueBound: 1)
        #expect((170...171).contains(bits), "\(bits)")
        let level = try #require(RefreshMask.level(bits: bits, parameters: parameters))
        #expect(level == 3) // 55 + 3·40 ≈ 175 bits ≥ bits + 2
        let mask = try RefreshMask.random(bits: bits)
        let masked = try f.evaluator.masked(ct, mask: mask, index: 0, publicKey: f.publicKey)
        #expect(masked.level == level)
        // What the key holder sees is not the message.
        let seen = try f.decryptor.decryptValues(masked)
        let seenError = zip(seen, expected).map { abs($0 - $1) }.max() ?? 0
        #expect(seenError > 1e6, "the masked values are far from the message (\(seenError))")
        let refreshed = try f.encryptor.refresh(masked, secretKey: f.secretKey)
        #expect(refreshed.level == parameters.maxLevel && refreshed.seed != nil)
        let back = try f.evaluator.unmasked(refreshed, mask: mask, index: 0, scale: ct.scale, keyID: ct.keyID)
        let values = try f.decryptor.decryptValues(back)
        let error = zip(values, expected).map { abs($0 - $1) }.max() ?? 1
        #expect(error < 1e-6, "after the refresh: max error \(error)")
        // The refreshed ciphertext has every level again: two more products work.
        var deeper = try f.evaluator.rescale(try f.evaluator.multiplyRelinearize(back, back))
        deeper = try f.evaluator.rescale(try f.evaluator.multiplyRelinearize(deeper, deeper))
        let deep = try f.decryptor.decryptValues(deeper)
        let deepError = zip(deep, expected).map { abs($0 - pow($1, 4)) }.max() ?? 1
        #expect(deepError < 1e-5, "x^16 after the refresh: max error \(deepError)")
        // Another mask, or another index, does not unmask it.
        let wrong = try f.evaluator.unmasked(
            refreshed, mask: try RefreshMask.random(bits: bits), index: 0, scale: ct.scale, keyID: ct.keyID)
        let wrongError = zip(try f.decryptor.decryptValues(wrong), expected).map { abs($0 - $1) }.max() ?? 0
        #expect(wrongError > 1e6)
        let shifted = try f.evaluator.unmasked(refreshed, mask: mask, index: 1, scale: ct.scale, keyID: ct.keyID)
        #expect((zip(try f.decryptor.decryptValues(shifted), expected).map { abs($0 - $1) }.max() ?? 0) > 1e6)
    }

    @Test func exactExtensionCarriesLargeIntegers() throws {
        let f = try Fixture.circuit(try Self.parameters())
        let basis = f.context.basisQ
        var stream = RandomStream(seed: [UInt8](repeating: 7, count: 32))
        // Integers of 150 bits drawn over five primes, extended to nine, equal the same
        // integers drawn directly over nine.
        var again = stream
        let low = Sampler.wideUniform(basis: basis, moduliCount: 5, bits: 150, stream: &stream)
        let direct = Sampler.wideUniform(basis: basis, moduliCount: 9, bits: 150, stream: &again)
        let extended = low.extendedExactly(toModuliCount: 9, crt: f.context.crt[4])
        #expect(extended.data == direct.data)
    }

    @Test func refusals() throws {
        let f = try Fixture.circuit(try Self.parameters())
        let ct = try f.encrypt(randomValues(8, seed: 3), slots: 8)
        // A mask wider than the whole modulus (three primes, 135 bits).
        let small = try Fixture.circuit(try smallParameters())
        let huge = try RefreshMask.random(bits: 171)
        #expect(RefreshMask.level(bits: 171, parameters: small.context.parameters) == nil)
        let shallow = try small.encrypt(randomValues(8, seed: 3), slots: 8)
        #expect(throws: CKKSError.self) {
            _ = try small.evaluator.masked(shallow, mask: huge, index: 0, publicKey: small.publicKey)
        }
        // Below the mask's level.
        var low = ct
        low.dropLevels(to: 2)
        let mask = try RefreshMask.random(bits: 171)
        #expect(throws: CKKSError.self) {
            _ = try f.evaluator.masked(low, mask: mask, index: 0, publicKey: f.publicKey)
        }
        // Another key's public key.
        let other = try Fixture(try Self.parameters(), seedTag: 99)
        #expect(throws: CKKSError.self) {
            _ = try f.evaluator.masked(ct, mask: mask, index: 0, publicKey: other.publicKey)
        }
        // An answer that is not at the top level.
        #expect(throws: CKKSError.self) {
            _ = try f.evaluator.unmasked(low, mask: mask, index: 0, scale: low.scale, keyID: low.keyID)
        }
        #expect(throws: CKKSError.self) { try RefreshMask(seed: [1, 2, 3], bits: 100) }
        #expect(throws: CKKSError.self) { try RefreshMask(seed: [UInt8](repeating: 0, count: 32), bits: 300) }
    }
}
