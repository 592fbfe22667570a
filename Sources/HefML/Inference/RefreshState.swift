public import Foundation
public import HefCKKS

/// What the server keeps between handing out a refresh request and getting the refreshed
/// ciphertexts back: the mask's seed (secret: whoever holds it and the refresh request can
/// unmask the intermediate values), which segment runs next, and the scales the masked
/// ciphertexts had. One state per round trip, used once (``EncryptedMLP/run(_:publicKey:state:threads:progress:)``
/// refuses a refreshed file whose request id is not the state's).
public struct RefreshState: Codable, Sendable, Equatable {
    /// The ``CompiledModel/id`` of the model.
    public var modelID: UInt64
    /// The round trip's id, 16 bytes (the refresh request and its answer carry it).
    public var requestID: [UInt8]
    /// The segment that runs when the refreshed ciphertexts come back.
    public var segment: Int
    /// The mask's seed, 32 bytes.
    public var maskSeed: [UInt8]
    /// The mask's width in bits.
    public var maskBits: Int
    /// The scale of each masked ciphertext, in file order.
    public var scales: [Double]
    /// The key the ciphertexts are under.
    public var keyID: UInt64

    /// The mask.
    /// - Throws: `CKKSError/malformedData(_:)` for a seed or width a mask cannot have.
    public func mask() throws -> RefreshMask { try RefreshMask(seed: maskSeed, bits: maskBits) }

    /// The request id in hex (the state file's name in `hefctl infer --state`).
    public var requestName: String { Self.name(of: requestID) }

    /// A round-trip id in hex, as state files and messages name it.
    public static func name(of requestID: [UInt8]) -> String {
        requestID.map { String(format: "%02x", $0) }.joined()
    }

    /// The JSON bytes (write them where only the server reads: they unmask the round trip).
    /// - Throws: `EncodingError` (not expected: every field encodes).
    public func serialized() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(self)
    }

    /// Reads a state written by ``serialized()``.
    /// - Parameters:
    ///   - data: The bytes ``serialized()`` wrote.
    /// - Throws: ``ModelError/unsupportedFormat(_:)`` when the bytes are not a refresh state.
    public init(deserializing data: Data) throws {
        do { self = try JSONDecoder().decode(RefreshState.self, from: data) } catch {
            throw ModelError.unsupportedFormat("not a refresh state file: \(error)")
        }
        guard requestID.count == 16, maskSeed.count == 32, segment >= 1, !scales.isEmpty,
            scales.allSatisfy({ $0.isFinite && $0 > 0 })
        else { throw ModelError.unsupportedFormat("a refresh state file with impossible fields") }
    }

    /// A state from its parts.
    public init(
        modelID: UInt64, requestID: [UInt8], segment: Int, maskSeed: [UInt8], maskBits: Int, scales: [Double],
        keyID: UInt64
    ) {
        self.modelID = modelID
        self.requestID = requestID
        self.segment = segment
        self.maskSeed = maskSeed
        self.maskBits = maskBits
        self.scales = scales
        self.keyID = keyID
    }
}
