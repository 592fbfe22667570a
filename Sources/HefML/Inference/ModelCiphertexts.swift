/// Ciphertexts bound to one compiled model: what `hefctl encrypt --model` writes and `infer`
/// reads and writes.
///
/// ```
/// magic     "HEFM"
/// version   u16 (2; version 1 files, without the flags byte, are still read)
/// model id  u64   CompiledModel.id
/// stage     u8    1 = inputs, 2 = outputs
/// batches   u32
/// batch × { samples u32, flags u8 (bit 0: out of range, isolated), bytes u64,
///           a Hef ciphertext file of `bytes` bytes }
/// ```
/// Latency packing: one batch per sample holding one ciphertext. Throughput packing: one batch
/// per group of up to N/2 samples holding one ciphertext per input feature (or output score).
public struct ModelCiphertexts: Sendable {
    public enum Stage: UInt8, Sendable { case inputs = 1, outputs = 2 }

    public struct Batch: Sendable {
        public var samples: Int
        public var ciphertexts: [Ciphertext]
        /// The client put an out-of-range row alone in this batch (`--out-of-range isolate`):
        /// the server carries the flag to the results and the client reports the row invalid.
        public var outOfRange: Bool

        public init(samples: Int, ciphertexts: [Ciphertext], outOfRange: Bool = false) {
            self.samples = samples
            self.ciphertexts = ciphertexts
            self.outOfRange = outOfRange
        }
    }

    public static let magic: [UInt8] = Array("HEFM".utf8)
    public var modelID: UInt64
    public var stage: Stage
    public var batches: [Batch]

    public init(modelID: UInt64, stage: Stage, batches: [Batch]) {
        self.modelID = modelID
        self.stage = stage
        self.batches = batches
    }

    public var sampleCount: Int { batches.reduce(0) { $0 + $1.samples } }

    public func serialized(context: CKKSContext) throws -> [UInt8] {
        var out = Self.magic
        func put(_ v: UInt64, _ bytes: Int) { for i in 0..<bytes { out.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(i)))) } }
        put(2, 2)
        put(modelID, 8)
        out.append(stage.rawValue)
        put(UInt64(batches.count), 4)
        for batch in batches {
            let inner = try HefFile.serialize(batch.ciphertexts.map { StoredCiphertext($0) }, context: context)
            put(UInt64(batch.samples), 4)
            out.append(batch.outOfRange ? 1 : 0)
            put(UInt64(inner.count), 8)
            out.append(contentsOf: inner)
        }
        return out
    }

    public init(deserializing bytes: [UInt8], context: CKKSContext) throws {
        var offset = 0
        func take(_ count: Int, _ what: String) throws -> ArraySlice<UInt8> {
            guard count >= 0, bytes.count - offset >= count else {
                throw CKKSError.truncated("the file ends inside \(what)")
            }
            defer { offset += count }
            return bytes[offset..<(offset + count)]
        }
        func word(_ count: Int, _ what: String) throws -> UInt64 {
            var v: UInt64 = 0
            for (i, b) in try take(count, what).enumerated() { v |= UInt64(b) << (8 * UInt64(i)) }
            return v
        }
        guard Array(try take(4, "the magic")) == Self.magic else {
            throw ModelError.unsupportedFormat("not a model ciphertext file (hefctl encrypt --model writes one)")
        }
        let version = try word(2, "the version")
        guard version == 1 || version == 2 else { throw CKKSError.unsupportedVersion(Int(version)) }
        modelID = try word(8, "the model id")
        guard let stage = Stage(rawValue: UInt8(try word(1, "the stage"))) else {
            throw CKKSError.malformedData("unknown stage")
        }
        self.stage = stage
        let count = Int(try word(4, "the batch count"))
        guard count <= bytes.count / 12 else { throw CKKSError.truncated("\(count) batches cannot fit in the file") }
        var batches: [Batch] = []
        for b in 0..<count {
            let samples = Int(try word(4, "batch \(b + 1)"))
            let flags = version >= 2 ? try word(1, "batch \(b + 1)") : 0
            guard flags <= 1 else { throw CKKSError.malformedData("batch \(b + 1) has unknown flags \(flags)") }
            let length = Int(clamping: try word(8, "batch \(b + 1)"))
            let inner = Array(try take(length, "batch \(b + 1)"))
            let stored = try HefFile.deserializeCiphertexts(inner, context: context)
            batches.append(Batch(samples: samples, ciphertexts: stored.map(\.ciphertext), outOfRange: flags == 1))
        }
        guard offset == bytes.count else { throw CKKSError.malformedData("\(bytes.count - offset) trailing bytes") }
        self.batches = batches
    }

    /// Refuses ciphertexts made for another model or at the wrong stage.
    public func check(model: CompiledModel, stage expected: Stage) throws {
        guard modelID == model.id else {
            throw ModelError.wrongModel("these ciphertexts were made for another model (model id \(String(modelID, radix: 16)), this model is \(String(model.id, radix: 16)))")
        }
        guard stage == expected else {
            throw ModelError.wrongModel(stage == .inputs ? "this file holds encrypted inputs, not results: run hefctl infer first" : "this file holds results, not inputs")
        }
        let layout = try model.layout
        let expectedCount = stage == .inputs ? layout.inputCiphertexts : layout.outputCiphertexts
        for (b, batch) in batches.enumerated() {
            guard batch.ciphertexts.count == expectedCount else {
                throw ModelError.wrongModel("batch \(b + 1) holds \(batch.ciphertexts.count) ciphertexts; the model's \(model.packing.rawValue) packing expects \(expectedCount)")
            }
            guard batch.samples >= 1 && batch.samples <= layout.samplesPerBatch else {
                throw ModelError.wrongModel("batch \(b + 1) claims \(batch.samples) samples")
            }
        }
    }
}

extension ModelCiphertexts {
    /// What a model ciphertext file holds, read without a context (for `hefctl inspect`).
    public struct Summary: Sendable {
        public var modelID: UInt64
        public var stage: Stage
        public var samples: Int
        public var batches: Int
        /// The first batch's inner Hef ciphertext file.
        public var firstBatch: [UInt8]?
    }

    public static func isModelCiphertexts(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 4 && Array(bytes[0..<4]) == magic
    }

    public static func summary(_ bytes: [UInt8]) throws -> Summary {
        var offset = 0
        func word(_ count: Int, _ what: String) throws -> UInt64 {
            guard bytes.count - offset >= count else { throw CKKSError.truncated("the file ends inside \(what)") }
            var v: UInt64 = 0
            for i in 0..<count { v |= UInt64(bytes[offset + i]) << (8 * UInt64(i)) }
            offset += count
            return v
        }
        guard isModelCiphertexts(bytes) else { throw ModelError.unsupportedFormat("not a model ciphertext file") }
        offset = 4
        let version = try word(2, "the version")
        guard version == 1 || version == 2 else { throw CKKSError.unsupportedVersion(Int(version)) }
        let modelID = try word(8, "the model id")
        guard let stage = Stage(rawValue: UInt8(try word(1, "the stage"))) else { throw CKKSError.malformedData("unknown stage") }
        let count = Int(try word(4, "the batch count"))
        var samples = 0
        var first: [UInt8]?
        for b in 0..<count {
            samples += Int(try word(4, "batch \(b + 1)"))
            if version >= 2 { _ = try word(1, "batch \(b + 1)") }
            let length = Int(clamping: try word(8, "batch \(b + 1)"))
            guard length >= 0, bytes.count - offset >= length else { throw CKKSError.truncated("the file ends inside batch \(b + 1)") }
            if first == nil { first = Array(bytes[offset..<(offset + length)]) }
            offset += length
        }
        return Summary(modelID: modelID, stage: stage, samples: samples, batches: count, firstBatch: first)
    }
}
