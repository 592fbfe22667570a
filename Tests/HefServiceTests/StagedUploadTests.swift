import Crypto
import Foundation
import HefCKKS
import HefTestSupport
import HefWire
import NIOCore
import Testing

@testable import HefService

/// Key uploads streamed to a staged file: the scanner follows the layout chunk by chunk, a
/// secret key part is refused before its payload is written, and a staged file goes into the
/// registry without being read whole.
@Suite("Staged key uploads")
struct StagedUploadTests {
    /// Splits bytes into chunks of random sizes (1 byte to 64 KiB).
    static func chunks(_ bytes: [UInt8], seed: UInt64) -> [[UInt8]] {
        var rng = SplitMix64(seed: seed)
        var out: [[UInt8]] = []
        var i = 0
        while i < bytes.count {
            let size = [1, 3, 7, 1000, 65536][Int(rng.next() % 5)]
            out.append(Array(bytes[i..<min(bytes.count, i + size)]))
            i += size
        }
        return out
    }

    @Test func theScannerFindsTheSamePartsWhateverTheChunks() throws {
        let f = try ServiceFixture.get()
        let eval = f.evaluationKeyBytes
        let other = f.latency.evaluationKeyBytes
        let bundle = KeyBundle.make([eval, other])
        for seed in UInt64(1)...5 {
            var scanner = KeyUploadScanner()
            for chunk in Self.chunks(bundle, seed: seed) { try scanner.feed(chunk) }
            let parts = try scanner.finish()
            // Layout by hand: magic 4, version 1, count 1, then (u64 length, file) per part.
            #expect(parts.map(\.kind) == [.evaluationKeys, .evaluationKeys])
            #expect(
                parts.map(\.range) == [14..<(14 + eval.count), (22 + eval.count)..<(22 + eval.count + other.count)])
            #expect(scanner.count == bundle.count)
        }
        var plain = KeyUploadScanner()
        for chunk in Self.chunks(eval, seed: 9) { try plain.feed(chunk) }
        #expect(try plain.finish() == [KeyUploadScanner.Part(kind: .evaluationKeys, range: 0..<eval.count)])
    }

    @Test func aSecretKeyPartIsKnownFromItsFifthByte() throws {
        let f = try ServiceFixture.get()
        let bundle = KeyBundle.make([f.evaluationKeyBytes, f.secretKeyBytes])
        let secretStart = 14 + f.evaluationKeyBytes.count + 8
        var scanner = KeyUploadScanner()
        try scanner.feed(Array(bundle[0..<(secretStart + 4)]))
        #expect(scanner.parts.map(\.kind) == [.evaluationKeys])
        try scanner.feed([bundle[secretStart + 4]])
        #expect(scanner.parts.map(\.kind) == [.evaluationKeys, .secretKey])
    }

    @Test func brokenLayoutsAreRefused() throws {
        let f = try ServiceFixture.get()
        let eval = f.evaluationKeyBytes
        let bundle = KeyBundle.make([eval, eval])
        func scan(_ bytes: [UInt8]) throws {
            var scanner = KeyUploadScanner()
            try scanner.feed(bytes)
            _ = try scanner.finish()
        }
        var rng = SplitMix64(seed: 7)
        // Truncated anywhere (the header, a length, a part): refused.
        for cut in [0, 3, 5, 6, 13, 14, 18, 100, 14 + eval.count, 21 + eval.count, bundle.count - 1]
            + (0..<8).map({ _ in Int(rng.next() % UInt64(bundle.count)) })
        {
            #expect(throws: CKKSError.self) { try scan(Array(bundle[0..<cut])) }
        }
        #expect(throws: CKKSError.self) { try scan(bundle + [0]) }
        var badVersion = bundle
        badVersion[4] = 2
        #expect(throws: CKKSError.self) { try scan(badVersion) }
        for count: UInt8 in [0, 5] {
            var badCount = bundle
            badCount[5] = count
            #expect(throws: CKKSError.self) { try scan(badCount) }
        }
        var notHef = eval
        notHef[1] ^= 0xFF
        #expect(throws: CKKSError.self) { try scan(notHef) }
        var badKind = eval
        badKind[4] = 200
        #expect(throws: CKKSError.self) { try scan(badKind) }
        // A part length past the end: refused at the end, not trusted.
        var long = KeyBundle.make([eval])
        long[6] &+= 1
        #expect(throws: CKKSError.self) { try scan(long) }
    }

    static func body(_ bytes: [UInt8], seed: UInt64) -> AsyncStream<ByteBuffer> {
        let pieces = chunks(bytes, seed: seed)
        return AsyncStream { continuation in
            for piece in pieces { continuation.yield(ByteBuffer(bytes: piece)) }
            continuation.finish()
        }
    }

    @Test func aStagedUploadIsHashedAndMovedIntoTheRegistry() async throws {
        let f = try ServiceFixture.get()
        let dir = try temporaryDirectory("staged")
        defer { try? FileManager.default.removeItem(at: dir) }
        let folder = StagedKeys.folder(in: dir)
        let bytes = KeyBundle.make([f.evaluationKeyBytes, f.latency.evaluationKeyBytes])
        let staged = try await StagedKeys.stage(Self.body(bytes, seed: 3), limit: bytes.count, folder: folder)
        #expect(staged.sha256 == SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined())
        #expect(staged.size == bytes.count)
        #expect(try staged.readParts().map(\.bytes) == [f.evaluationKeyBytes, f.latency.evaluationKeyBytes])
        let attributes = try FileManager.default.attributesOfItem(atPath: staged.url.path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)

        let registry = try SQLiteRegistry(dataDirectory: dir, policy: KeyPolicy())
        let record = KeyRecord(keyID: staged.sha256, parametersID: "p", size: staged.size, createdAt: 0)
        #expect(try await registry.register(record, blob: staged.blob, client: "alice", modelID: "m"))
        staged.remove()
        #expect(try await registry.keyBytes(keyID: staged.sha256) == bytes)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
        // Read back part by part from the blob file (its hash checked first), as the evaluator is.
        let blob = try await registry.keyBlob(keyID: staged.sha256)
        guard case .file(let url, let size) = blob else {
            Issue.record("the SQLite registry answers its blob file")
            return
        }
        #expect(size == bytes.count)
        #expect(
            try blob.parts().map { try blob.read($0.range) } == [f.evaluationKeyBytes, f.latency.evaluationKeyBytes])
        var corrupted = bytes
        corrupted[bytes.count / 2] ^= 1
        try Data(corrupted).write(to: url)
        await #expect(throws: ServiceError.self) { _ = try await registry.keyBlob(keyID: staged.sha256) }
    }

    @Test func refusedUploadsLeaveNothingStaged() async throws {
        let f = try ServiceFixture.get()
        let dir = try temporaryDirectory("staged-refused")
        defer { try? FileManager.default.removeItem(at: dir) }
        let folder = StagedKeys.folder(in: dir)
        func refusal(_ bytes: [UInt8], limit: Int = 1 << 30) async -> String? {
            do {
                _ = try await StagedKeys.stage(Self.body(bytes, seed: 11), limit: limit, folder: folder)
                return nil
            } catch let error as ServiceError {
                return error.code
            } catch {
                return "\(error)"
            }
        }
        #expect(await refusal(KeyBundle.make([f.evaluationKeyBytes, f.secretKeyBytes])) == "wrong_kind")
        #expect(await refusal(f.secretKeyBytes) == "wrong_kind")
        #expect(await refusal(Array(KeyBundle.make([f.evaluationKeyBytes]).dropLast())) == "malformed_keys")
        #expect(await refusal(f.evaluationKeyBytes, limit: 1000) == "body_too_large")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }
}
