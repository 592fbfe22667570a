import Foundation
import HefCKKS
import Testing

@testable import HefML

/// Model ciphertext files: version 3 (one ciphertext header for the whole container) is
/// written; versions 1 and 2 (a whole ciphertext file per batch) are still read.
@Suite struct ModelCiphertextsTests {
    struct Fixture {
        let model: CompiledModel
        let context: CKKSContext
        let secretKey: SecretKey
        let request: ModelCiphertexts
        let client: InferenceClient
    }

    static func fixture(_ packing: Packing) throws -> Fixture {
        let model = try ModelCompiler(options: .init(packing: packing)).compile(tinyModel())
        let context = try model.makeContext()
        let keygen = KeyGenerator(context: context)
        let sk = keygen.secretKey()
        let client = InferenceClient(model: model, context: context)
        let request = try client.encrypt(
            [[1, 2, 3, 4], [0.5, -1, 2, 0], [1.2, 0.1, 2.5, 0.3]], publicKey: try keygen.publicKey(for: sk))
        return Fixture(model: model, context: context, secretKey: sk, request: request, client: client)
    }

    /// The layout versions 1 and 2 had: each batch a whole Hef ciphertext file.
    static func legacy(_ m: ModelCiphertexts, version: Int, context: CKKSContext) throws -> [UInt8] {
        var out = ModelCiphertexts.magic
        func put(_ v: UInt64, _ bytes: Int) {
            for i in 0..<bytes { out.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(i)))) }
        }
        put(UInt64(version), 2)
        put(m.modelID, 8)
        out.append(m.stage.rawValue)
        put(UInt64(m.batches.count), 4)
        for batch in m.batches {
            let inner = try HefFile.serialize(batch.ciphertexts.map { StoredCiphertext($0) }, context: context)
            put(UInt64(batch.samples), 4)
            if version >= 2 { out.append(batch.outOfRange ? 1 : 0) }
            put(UInt64(inner.count), 8)
            out.append(contentsOf: inner)
        }
        return out
    }

    func expectSame(_ a: ModelCiphertexts, _ b: ModelCiphertexts) {
        #expect(a.modelID == b.modelID && a.stage == b.stage && a.batches.count == b.batches.count)
        for (x, y) in zip(a.batches, b.batches) {
            #expect(
                x.samples == y.samples && x.outOfRange == y.outOfRange && x.ciphertexts.count == y.ciphertexts.count)
            for (c, d) in zip(x.ciphertexts, y.ciphertexts) {
                #expect(c.scale == d.scale && c.level == d.level && c.polys.count == d.polys.count)
            }
        }
    }

    @Test(arguments: [Packing.latency, .throughput])
    func versionThreeHasOneHeaderAndOlderVersionsStillLoad(packing: Packing) throws {
        let f = try Self.fixture(packing)
        let v3 = try f.request.serialized(context: f.context)
        #expect(v3[4] == 3 && v3[5] == 0)
        let back = try ModelCiphertexts(deserializing: v3, context: f.context)
        expectSame(back, f.request)
        let summary = try ModelCiphertexts.summary(v3)
        #expect(summary.version == 3 && summary.samples == 3 && summary.batches == f.request.batches.count)
        let inner = try HefFile.inspect(try #require(summary.ciphertextFile))
        #expect(inner.ciphertexts.count == f.request.batches.reduce(0) { $0 + $1.ciphertexts.count })

        for version in [1, 2] {
            let old = try Self.legacy(f.request, version: version, context: f.context)
            let read = try ModelCiphertexts(deserializing: old, context: f.context)
            expectSame(read, f.request)
            #expect(try ModelCiphertexts.summary(old).version == version)
            if f.request.batches.count > 1 { #expect(v3.count < old.count) }
            // The server answers an old request; the client reads its labels.
            try read.check(model: f.model, stage: .inputs)
        }
    }

    @Test func aBatchTableThatDisagreesWithTheCiphertextsIsRefused() throws {
        let f = try Self.fixture(.latency)
        var bytes = try f.request.serialized(context: f.context)
        // The first batch's ciphertext count (after magic, version, id, stage, count, samples, flags).
        let at = 4 + 2 + 8 + 1 + 4 + 4 + 1
        bytes[at] = 7
        #expect(throws: CKKSError.self) { try ModelCiphertexts(deserializing: bytes, context: f.context) }
        bytes[at] = 1
        _ = try ModelCiphertexts(deserializing: bytes, context: f.context)
        var version = try f.request.serialized(context: f.context)
        version[4] = 4
        #expect(throws: CKKSError.self) { try ModelCiphertexts(deserializing: version, context: f.context) }
        #expect(throws: CKKSError.self) { try ModelCiphertexts.summary(version) }
    }
}
