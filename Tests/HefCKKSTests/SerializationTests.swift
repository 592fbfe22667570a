import Foundation
import HefRing
import Testing

@testable import HefCKKS

/// Small insecure parameters: fast round trips.
private func smallContext(backend: any RingBackend = NativeBackend()) throws -> CKKSContext {
    let params = try CKKSParameters(
        ParametersLiteral(logN: 10, logQ: [50, 40], logP: [50], logScale: 40),
        insecure: InsecureParametersForTestingOnly())
    return CKKSContext(parameters: params, backend: backend)
}

private func otherContext() throws -> CKKSContext {
    let params = try CKKSParameters(
        ParametersLiteral(logN: 10, logQ: [50, 40, 40], logP: [50], logScale: 40),
        insecure: InsecureParametersForTestingOnly())
    return CKKSContext(parameters: params)
}

private struct SerialFixture {
    let context: CKKSContext
    let secretKey: SecretKey
    let publicKey: PublicKey
    let evaluationKeys: EvaluationKeys
    let encapsulationKeys: EncapsulationKeys
    let values: [Double]

    init() throws {
        context = try smallContext()
        var stream = RandomStream(seed: [UInt8](repeating: 7, count: 32))
        let generator = KeyGenerator(context: context)
        secretKey = generator.secretKey(stream: &stream)
        publicKey = try generator.publicKey(for: secretKey, stream: &stream)
        evaluationKeys = try generator.evaluationKeys(for: secretKey, rotations: [1, -2], stream: &stream)
        encapsulationKeys = try generator.encapsulationKeys(for: secretKey, hammingWeight: 8, stream: &stream)
        values = (0..<8).map { Double($0) * 0.25 - 1 }
    }
}

private func close(_ a: [Double], _ b: [Double], tolerance: Double = 1e-4) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) < tolerance }
}

@Suite("Serialization")
struct SerializationTests {
    @Test func bitPackingRoundTrip() {
        for width in [1, 7, 8, 20, 33, 40, 50, 61, 62, 63] {
            for count in [1, 3, 8, 17, 64] {
                let mask: UInt64 = (1 << UInt64(width)) - 1
                var state: UInt64 = 0x9e37_79b9_7f4a_7c15 &* UInt64(width * 131 + count)
                let values: [UInt64] = (0..<count).map { _ in
                    state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                    return state & mask
                }
                var packed: [UInt8] = []
                values.withUnsafeBufferPointer {
                    BitPacking.pack($0.baseAddress!, count: count, width: width, into: &packed)
                }
                #expect(packed.count == BitPacking.byteCount(count: count, width: width))
                var out = [UInt64](repeating: 0, count: count)
                let clean = packed.withUnsafeBufferPointer { src in
                    out.withUnsafeMutableBufferPointer {
                        BitPacking.unpack(src, count: count, width: width, into: $0.baseAddress!)
                    }
                }
                #expect(clean)
                #expect(out == values, "width \(width) count \(count)")
            }
        }
    }

    @Test func parametersRoundTrip() throws {
        let params = try CKKSParameters(preset: .n8192)
        let bytes = params.serialized()
        #expect(Array(bytes[0..<4]) == HefFile.magic)
        let back = try CKKSParameters(deserializing: bytes)
        #expect(back.id == params.id)
        #expect(back.literal == params.literal)
        #expect(back.q == params.q && back.p == params.p)
        let summary = try HefFile.inspect(bytes)
        #expect(summary.kind == .parameters && summary.keyID == 0 && summary.parametersID == params.id)
    }

    @Test func secretKeyRoundTrip() throws {
        let f = try SerialFixture()
        let bytes = try f.secretKey.serialized(context: f.context)
        let back = try SecretKey(deserializing: bytes, context: f.context)
        #expect(back.keyID == f.secretKey.keyID)
        #expect(back.poly.data == f.secretKey.poly.data)
        // Decrypting with the reloaded key works.
        let ct = try Encryptor(context: f.context).encrypt(try f.context.encode(f.values), publicKey: f.publicKey)
        let out = try Decryptor(context: f.context, secretKey: back).decryptValues(ct)
        #expect(close(out, f.values))
    }

    @Test func publicKeyRoundTripIsSeeded() throws {
        let f = try SerialFixture()
        let bytes = try f.publicKey.serialized(context: f.context)
        // Seeded: b only, about one polynomial over Q.
        #expect(bytes.count < 2 * f.context.parameters.n * 90 / 8)
        let back = try PublicKey(deserializing: bytes, context: f.context)
        #expect(back.a.data == f.publicKey.a.data)
        #expect(back.b.data == f.publicKey.b.data)
        #expect(back.seed == f.publicKey.seed && back.keyID == f.publicKey.keyID)
        let ct = try Encryptor(context: f.context).encrypt(try f.context.encode(f.values), publicKey: back)
        let out = try Decryptor(context: f.context, secretKey: f.secretKey).decryptValues(ct)
        #expect(close(out, f.values))
    }

    @Test func evaluationKeysRoundTrip() throws {
        let f = try SerialFixture()
        let bytes = try f.evaluationKeys.serialized(context: f.context)
        #expect(try f.evaluationKeys.serializedByteCount(context: f.context) == bytes.count)
        let back = try EvaluationKeys(deserializing: bytes, context: f.context)
        #expect(back.keyID == f.evaluationKeys.keyID)
        #expect(back.relinearization?.data == f.evaluationKeys.relinearization?.data)
        #expect(Set(back.galois.keys) == Set(f.evaluationKeys.galois.keys))
        for (g, key) in f.evaluationKeys.galois { #expect(back.galois[g]?.data == key.data) }
        // The reloaded keys still evaluate correctly.
        let ct = try Encryptor(context: f.context).encrypt(try f.context.encode(f.values), publicKey: f.publicKey)
        let evaluator = try Evaluator(context: f.context, keys: back)
        let squared = try evaluator.rescale(try evaluator.multiplyRelinearize(ct, ct))
        let rotated = try evaluator.rotate(ct, by: 1)
        let decryptor = try Decryptor(context: f.context, secretKey: f.secretKey)
        #expect(close(try decryptor.decryptValues(squared), f.values.map { $0 * $0 }, tolerance: 1e-3))
        let expected = (0..<8).map { f.values[($0 + 1) % 8] }
        #expect(close(try decryptor.decryptValues(rotated), expected, tolerance: 1e-3))
        let summary = try HefFile.inspect(bytes)
        #expect(summary.hasRelinearizationKey == true && summary.galoisElements.count == 2)
    }

    @Test func ciphertextRoundTrips() throws {
        let f = try SerialFixture()
        let encryptor = Encryptor(context: f.context)
        let pt = try f.context.encode(f.values)
        // Seeded (symmetric) ciphertext: half size, identical after reload.
        let seeded = try encryptor.encrypt(pt, secretKey: f.secretKey)
        let seededBytes = try seeded.serialized(context: f.context)
        let seededBack = try Ciphertext(deserializing: seededBytes, context: f.context)
        #expect(seededBack.seed == seeded.seed)
        #expect(seededBack.polys.map(\.data) == seeded.polys.map(\.data))
        // Public-key ciphertext: both polynomials.
        let full = try encryptor.encrypt(pt, publicKey: f.publicKey)
        let fullBytes = try full.serialized(context: f.context)
        #expect(seededBytes.count < fullBytes.count * 6 / 10)
        let fullBack = try Ciphertext(deserializing: fullBytes, context: f.context)
        #expect(fullBack.polys.map(\.data) == full.polys.map(\.data))
        #expect(fullBack.scale == full.scale && fullBack.slots == full.slots && fullBack.level == full.level)
        // A size-3 ciphertext at a lower level.
        let evaluator = try Evaluator(context: f.context, keys: f.evaluationKeys)
        let product = try evaluator.multiply(full, full)
        let productBack = try Ciphertext(deserializing: try product.serialized(context: f.context), context: f.context)
        #expect(productBack.size == 3 && productBack.polys.map(\.data) == product.polys.map(\.data))
        let lower = try evaluator.rescale(try evaluator.relinearize(product))
        let lowerBack = try Ciphertext(deserializing: try lower.serialized(context: f.context), context: f.context)
        #expect(lowerBack.level == 0 && lowerBack.scale == lower.scale)
        let decryptor = try Decryptor(context: f.context, secretKey: f.secretKey)
        #expect(close(try decryptor.decryptValues(seededBack), f.values))
        #expect(close(try decryptor.decryptValues(lowerBack), f.values.map { $0 * $0 }, tolerance: 1e-3))
        // Several in one file, with value counts.
        let list = try HefFile.serialize(
            [StoredCiphertext(full, valueCount: 5), StoredCiphertext(seeded)], context: f.context)
        let listBack = try HefFile.deserializeCiphertexts(list, context: f.context)
        #expect(listBack.map(\.valueCount) == [5, 8])
        let summary = try HefFile.inspect(list)
        #expect(summary.ciphertexts.count == 2 && summary.ciphertexts[1].seeded && !summary.ciphertexts[0].seeded)
    }

    @Test func plaintextRoundTrip() throws {
        let f = try SerialFixture()
        let pt = try f.context.encode(f.values, level: 0)
        let back = try Plaintext(deserializing: try pt.serialized(context: f.context), context: f.context)
        #expect(back.poly.data == pt.poly.data && back.level == 0 && back.scale == pt.scale)
    }

    /// The encapsulation keys come back whole: the dense-to-sparse a re-expanded from its seed,
    /// b and the sparse-to-dense key as written; inspect reads the file.
    @Test func encapsulationKeysRoundTrip() throws {
        let f = try SerialFixture()
        let keys = f.encapsulationKeys
        let bytes = try keys.serialized(context: f.context)
        let back = try EncapsulationKeys(deserializing: bytes, context: f.context)
        #expect(back.hammingWeight == 8 && back.keyID == keys.keyID && back.parametersID == keys.parametersID)
        #expect(back.denseToSparseA.data == keys.denseToSparseA.data)
        #expect(back.denseToSparseB.data == keys.denseToSparseB.data)
        #expect(back.sparseToDense.data == keys.sparseToDense.data)
        #expect(bytes.count < keys.seededByteCount + 200, "seeded: the a parts are not written")
        #expect(try keys.serializedByteCount(context: f.context) == bytes.count)
        #expect(try HefFile.inspect(bytes).kind == .encapsulationKeys)
    }

    // MARK: Rejection

    private func allFiles(_ f: SerialFixture) throws -> [(HefFileKind, [UInt8])] {
        let ct = try Encryptor(context: f.context).encrypt(try f.context.encode(f.values), secretKey: f.secretKey)
        return [
            (.parameters, f.context.parameters.serialized()),
            (.secretKey, try f.secretKey.serialized(context: f.context)),
            (.publicKey, try f.publicKey.serialized(context: f.context)),
            (.evaluationKeys, try f.evaluationKeys.serialized(context: f.context)),
            (.ciphertexts, try ct.serialized(context: f.context)),
            (.plaintext, try f.context.encode(f.values).serialized(context: f.context)),
            (.encapsulationKeys, try f.encapsulationKeys.serialized(context: f.context)),
        ]
    }

    private func load(_ kind: HefFileKind, _ bytes: [UInt8], _ context: CKKSContext) throws {
        switch kind {
        case .parameters: _ = try CKKSParameters(deserializing: bytes, insecure: InsecureParametersForTestingOnly())
        case .secretKey: _ = try SecretKey(deserializing: bytes, context: context)
        case .publicKey: _ = try PublicKey(deserializing: bytes, context: context)
        case .evaluationKeys: _ = try EvaluationKeys(deserializing: bytes, context: context)
        case .ciphertexts: _ = try HefFile.deserializeCiphertexts(bytes, context: context)
        case .plaintext: _ = try Plaintext(deserializing: bytes, context: context)
        case .encapsulationKeys: _ = try EncapsulationKeys(deserializing: bytes, context: context)
        }
    }

    @Test func rejectsWrongMagic() throws {
        let f = try SerialFixture()
        for (kind, bytes) in try allFiles(f) {
            var bad = bytes
            bad[0] = 0x47
            #expect(throws: CKKSError.self) { try load(kind, bad, f.context) }
            #expect(throws: CKKSError.self) { try HefFile.inspect(bad) }
        }
        #expect(throws: CKKSError.self) { try HefFile.inspect(Array("hello, world\n".utf8)) }
    }

    @Test func rejectsWrongKind() throws {
        let f = try SerialFixture()
        let files = try allFiles(f)
        for (kind, _) in files {
            for (other, bytes) in files where other != kind {
                #expect(throws: CKKSError.wrongKind(expected: kind.description, found: other.description)) {
                    try load(kind, bytes, f.context)
                }
            }
        }
    }

    @Test func rejectsUnsupportedVersion() throws {
        let f = try SerialFixture()
        for (kind, bytes) in try allFiles(f) {
            var bad = bytes
            bad[5] = 2
            #expect(throws: CKKSError.unsupportedVersion(2)) { try load(kind, bad, f.context) }
            #expect(throws: CKKSError.unsupportedVersion(2)) { try HefFile.inspect(bad) }
        }
    }

    @Test func rejectsEveryTruncation() throws {
        let f = try SerialFixture()
        for (kind, bytes) in try allFiles(f) {
            // Every length through the header and the first residues, then strided, and the
            // last bytes.
            var lengths = Set(0..<min(bytes.count, 400))
            lengths.formUnion(stride(from: 400, to: bytes.count, by: max(1, bytes.count / 300)))
            lengths.formUnion(max(0, bytes.count - 40)..<bytes.count)
            for length in lengths.sorted() {
                let cut = Array(bytes[0..<length])
                #expect(throws: CKKSError.self, "\(kind) truncated at \(length)") { try load(kind, cut, f.context) }
                #expect(throws: CKKSError.self, "\(kind) inspect truncated at \(length)") { try HefFile.inspect(cut) }
            }
            // And trailing garbage.
            #expect(throws: CKKSError.self) { try load(kind, bytes + [0], f.context) }
        }
    }

    @Test func rejectsResidueAboveModulus() throws {
        let f = try SerialFixture()
        let ct = try Encryptor(context: f.context).encrypt(try f.context.encode(f.values), publicKey: f.publicKey)
        var bad = ct
        let q0 = f.context.basisQ.moduli[0].value
        bad.polys[0].data[3] = q0 // not reduced
        let bytes = try bad.serialized(context: f.context)
        #expect(throws: CKKSError.self) { try Ciphertext(deserializing: bytes, context: f.context) }
        // Same for a secret key residue set to all ones.
        var sk = try f.secretKey.serialized(context: f.context)
        let polyStart = HefFile.prefixSize(f.context.parameters) + 1 + f.context.basisQP.count
        for i in polyStart..<(polyStart + 16) { sk[i] = 0xff }
        #expect(throws: CKKSError.self) { try SecretKey(deserializing: sk, context: f.context) }
    }

    @Test func rejectsOtherParameters() throws {
        let f = try SerialFixture()
        let other = try otherContext()
        for (kind, bytes) in try allFiles(f) where kind != .parameters {
            #expect(throws: CKKSError.parametersMismatch(expected: other.parameters.id, found: f.context.parameters.id))
            {
                try load(kind, bytes, other)
            }
        }
        // A forged id in a parameters file.
        var params = f.context.parameters.serialized()
        params[7] ^= 1
        #expect(throws: CKKSError.self) { try load(.parameters, params, f.context) }
    }

    @Test func rejectsBadCiphertextFields() throws {
        let f = try SerialFixture()
        let ct = try Encryptor(context: f.context).encrypt(try f.context.encode(f.values), publicKey: f.publicKey)
        let bytes = try ct.serialized(context: f.context)
        let record = HefFile.prefixSize(f.context.parameters) + 4
        // scale at record + 5, slots at record + 13.
        func patched(_ offset: Int, _ value: [UInt8]) -> [UInt8] {
            var b = bytes
            b.replaceSubrange(offset..<(offset + value.count), with: value)
            return b
        }
        let nan = Double.nan.bitPattern
        let negative = (-1.0).bitPattern
        for bad in [nan, negative, Double.infinity.bitPattern, 0] {
            let le = (0..<8).map { UInt8(truncatingIfNeeded: bad >> UInt64(8 * $0)) }
            #expect(throws: CKKSError.self) {
                try Ciphertext(deserializing: patched(record + 5, le), context: f.context)
            }
        }
        for slots: UInt32 in [0, 3, 1024, 1 << 20] {
            let le = (0..<4).map { UInt8(truncatingIfNeeded: slots >> UInt32(8 * $0)) }
            #expect(throws: CKKSError.self) {
                try Ciphertext(deserializing: patched(record + 13, le), context: f.context)
            }
        }
        // Size 4 and a residue count above the top level.
        #expect(throws: CKKSError.self) { try Ciphertext(deserializing: patched(record + 4, [4]), context: f.context) }
        #expect(throws: CKKSError.self) { try Ciphertext(deserializing: patched(record + 18, [3]), context: f.context) }
    }

    @Test func rejectsBadGaloisElements() throws {
        let f = try SerialFixture()
        let bytes = try f.evaluationKeys.serialized(context: f.context)
        // Find the first Galois element: after flags, count, and the relinearization record.
        var r = ByteReader(bytes, offset: HefFile.prefixSize(f.context.parameters) + 5)
        try HefFile.skipKey(&r, n: f.context.parameters.n, what: "relin")
        let at = r.offset
        for g: UInt32 in [2, 1, 4096, 2049 + 2048] {
            var bad = bytes
            for k in 0..<4 { bad[at + k] = UInt8(truncatingIfNeeded: g >> UInt32(8 * k)) }
            #expect(throws: CKKSError.self) { try EvaluationKeys(deserializing: bad, context: f.context) }
        }
    }
}
