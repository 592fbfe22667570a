import Testing

@testable import HefCKKS

/// Misuse gets a typed error, never a crash or a wrong answer.
@Suite struct ErrorTests {
    @Test func levelExhausted() throws {
        let f = try Fixture(try smallParameters(logQ: [55, 40]))
        let a = try f.encrypt([0.5])
        let once = try f.evaluator.rescale(try f.evaluator.multiplyRelinearize(a, a))
        #expect(once.level == 0)
        #expect {
            try f.evaluator.rescale(once)
        } throws: { error in
            if case CKKSError.levelExhausted = error { return true }
            return false
        }
    }

    @Test func scaleOverflowIsRefused() throws {
        let f = try Fixture(try smallParameters(logQ: [55, 40]))
        let a = try f.encrypt([0.5])
        let once = try f.evaluator.rescale(try f.evaluator.multiplyRelinearize(a, a))
        // At level 0 (55 bits), 2^40 · 2^40 does not fit.
        #expect {
            try f.evaluator.multiply(once, once)
        } throws: { error in
            if case CKKSError.scaleOverflow = error { return true }
            return false
        }
        // Encoding a value too large for the modulus.
        #expect(throws: CKKSError.self) { try f.context.encode([1e12], level: 0) }
    }

    @Test func otherParametersAndOtherKeysAreRefused() throws {
        let f = try Fixture(try smallParameters())
        let other = try Fixture(try smallParameters(logQ: [55, 40, 40, 40]))
        let sameParamsOtherKey = try Fixture(try smallParameters(), seedTag: 99)
        let a = try f.encrypt([1, 2])
        let foreign = try other.encrypt([1, 2])
        let otherKey = try sameParamsOtherKey.encrypt([1, 2])
        #expect(throws: CKKSError.self) { try f.evaluator.add(a, foreign) }
        #expect(throws: CKKSError.self) { try f.decryptor.decrypt(foreign) }
        #expect {
            try f.evaluator.add(a, otherKey)
        } throws: { error in
            if case CKKSError.keyMismatch = error { return true }
            return false
        }
        #expect(throws: CKKSError.self) { try f.decryptor.decrypt(otherKey) }
        #expect(throws: CKKSError.self) { try Evaluator(context: f.context, keys: other.evaluationKeys) }
    }

    @Test func missingKeysAreNamed() throws {
        let f = try Fixture(try smallParameters(), rotations: [1])
        let a = try f.encrypt([1, 2, 3])
        #expect(throws: CKKSError.missingRotationKey(step: 7)) { try f.evaluator.rotate(a, by: 7) }
        let noKeys = try Evaluator(context: f.context)
        #expect(throws: CKKSError.missingRelinearizationKey) { try noKeys.multiplyRelinearize(a, a) }
    }

    @Test func tooManyValuesAndBadSlotCounts() throws {
        let f = try Fixture(try smallParameters())
        #expect(throws: CKKSError.tooManyValues(given: 600, slots: 512)) {
            try f.context.encode(Array(repeating: 1, count: 600))
        }
        #expect(throws: CKKSError.self) { try f.context.encode([1], slots: 3) }
        let a = try f.encryptor.encrypt(try f.context.encode([1], slots: 4), publicKey: f.publicKey)
        let b = try f.encryptor.encrypt(try f.context.encode([1], slots: 8), publicKey: f.publicKey)
        #expect(throws: CKKSError.slotCountMismatch(4, 8)) { try f.evaluator.add(a, b) }
    }

    @Test func mismatchedScalesThatCannotAlignAreRefused() throws {
        let f = try Fixture(try smallParameters())
        let a = try f.encryptor.encrypt(try f.context.encode([1], scale: Double(1 << 30)), publicKey: f.publicKey)
        let b = try f.encryptor.encrypt(try f.context.encode([1], scale: 1.5 * Double(1 << 30)), publicKey: f.publicKey)
        #expect(throws: CKKSError.self) { try f.evaluator.add(a, b) }
        // An integer ratio aligns exactly.
        let c = try f.encryptor.encrypt(try f.context.encode([2], scale: 4 * Double(1 << 30)), publicKey: f.publicKey)
        let sum = try f.decrypt(try f.evaluator.add(a, c))
        #expect(abs(sum[0] - 3) < 1e-5)
    }
}
