public import HefCKKS

/// Ciphertexts bound to one compiled model: the query a client sends (`hefctl encrypt --model`)
/// and the response the server answers (`hefctl infer`).
///
/// Version 3 (written): one container, one Hef ciphertext header with the parameters.
/// ```
/// magic     "HEFM"
/// version   u16   3
/// model id  u64   CompiledModel.id
/// stage     u8    1 = inputs, 2 = outputs, 3 = refresh request, 4 = refreshed
/// (stages 3 and 4 only) segment u16 (the segment that runs next), request id 16 bytes
/// batches   u32
/// batch × { samples u32, flags u8 (bit 0: out of range, isolated), ciphertexts u32 }
/// bytes     u64
/// a Hef ciphertext file of `bytes` bytes (one header and parameters section) holding every
/// batch's ciphertexts in batch order
/// ```
/// Versions 1 and 2 (still read) embedded a whole Hef ciphertext file per batch:
/// `batch × { samples u32, flags u8 (version 2 only), bytes u64, a Hef ciphertext file }`.
///
/// Latency packing: one batch per sample. Throughput packing: one batch per group of up to N/2
/// samples holding one ciphertext per input feature (or output score).
public struct ModelCiphertexts: Sendable {
    /// Which side of the exchange a file holds.
    public enum Stage: UInt8, Sendable {
        /// Encrypted inputs (the client's query).
        case inputs = 1
        /// Encrypted results (the server's response).
        case outputs = 2
        /// Masked intermediate ciphertexts the key holder must refresh (`hefctl refresh`).
        case refreshRequest = 3
        /// The key holder's refreshed ciphertexts, for the server to go on with.
        case refreshed = 4

        /// The name `hefctl inspect` prints (`stage: …`).
        public var name: String {
            switch self {
            case .inputs: return "inputs"
            case .outputs: return "outputs"
            case .refreshRequest: return "refresh-request"
            case .refreshed: return "refreshed"
            }
        }
    }

    /// Ciphertexts evaluated together: one sample (latency) or up to N/2 (throughput).
    public struct Batch: Sendable {
        /// Samples the batch holds.
        public var samples: Int
        /// The batch's ciphertexts (the layout's input or output ciphertexts).
        public var ciphertexts: [Ciphertext]
        /// The client put an out-of-range row alone in this batch (`--out-of-range isolate`):
        /// the server carries the flag to the results and the client reports the row invalid.
        public var outOfRange: Bool

        /// A batch of `samples` samples.
        public init(samples: Int, ciphertexts: [Ciphertext], outOfRange: Bool = false) {
            self.samples = samples
            self.ciphertexts = ciphertexts
            self.outOfRange = outOfRange
        }
    }

    /// The first four bytes of a model ciphertext file.
    public static let magic: [UInt8] = Array("HEFM".utf8)
    /// The version ``serialized(context:)`` writes.
    public static let currentVersion = 3
    /// The ``CompiledModel/id`` of the model the ciphertexts were made for.
    public var modelID: UInt64
    /// Inputs or outputs.
    public var stage: Stage
    /// The batches, in sample order.
    public var batches: [Batch]
    /// Refresh stages: the segment the server runs next (0 otherwise).
    public var segment: Int
    /// Refresh stages: the id of the round trip, which names the server's mask (16 bytes; empty otherwise).
    public var requestID: [UInt8]

    /// Ciphertexts for the model with id `modelID`.
    public init(modelID: UInt64, stage: Stage, batches: [Batch], segment: Int = 0, requestID: [UInt8] = []) {
        self.modelID = modelID
        self.stage = stage
        self.batches = batches
        self.segment = segment
        self.requestID = requestID
    }

    /// Whether the stage carries a segment and a request id.
    static func isRefresh(_ stage: Stage) -> Bool { stage == .refreshRequest || stage == .refreshed }

    /// Samples over all batches.
    public var sampleCount: Int { batches.reduce(0) { $0 + $1.samples } }

    /// The file bytes (version 3).
    /// - Parameter context: The context the ciphertexts belong to.
    /// - Throws: `CKKSError/parametersMismatch(expected:found:)` or `CKKSError/keyMismatch(expected:found:)`
    ///   when a ciphertext belongs to other parameters or another key than the first.
    public func serialized(context: CKKSContext) throws -> [UInt8] {
        var out = Self.magic
        func put(_ v: UInt64, _ bytes: Int) {
            for i in 0..<bytes { out.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(i)))) }
        }
        put(UInt64(Self.currentVersion), 2)
        put(modelID, 8)
        out.append(stage.rawValue)
        if Self.isRefresh(stage) {
            precondition(requestID.count == 16 && segment >= 0 && segment <= 0xFFFF)
            put(UInt64(segment), 2)
            out.append(contentsOf: requestID)
        }
        put(UInt64(batches.count), 4)
        for batch in batches {
            put(UInt64(batch.samples), 4)
            out.append(batch.outOfRange ? 1 : 0)
            put(UInt64(batch.ciphertexts.count), 4)
        }
        let inner = try HefFile.serialize(
            batches.flatMap { $0.ciphertexts.map { StoredCiphertext($0) } }, context: context)
        put(UInt64(inner.count), 8)
        out.append(contentsOf: inner)
        return out
    }

    /// Reads a model ciphertext file (version 1, 2 or 3).
    /// - Parameters:
    ///   - bytes: The file's bytes.
    ///   - context: The context of the model's parameters.
    /// - Throws: ``ModelError/unsupportedFormat(_:)`` when the bytes are not a model ciphertext
    ///   file; `CKKSError/unsupportedVersion(_:)` for another version; `CKKSError/truncated(_:)`
    ///   and `CKKSError/malformedData(_:)` for damaged files; the `CKKSError` cases of
    ///   `HefFile.deserializeCiphertexts` (other parameters, bad polynomial sections).
    public init(deserializing bytes: [UInt8], context: CKKSContext) throws {
        var reader = Reader(bytes: bytes)
        let header = try reader.header()
        modelID = header.modelID
        stage = header.stage
        segment = header.segment
        requestID = header.requestID
        var batches: [Batch] = []
        if header.version >= 3 {
            let table = try reader.batchTable(count: header.batchCount)
            let inner = try reader.take(Int(clamping: try reader.word(8, "the ciphertext length")), "the ciphertexts")
            let stored = try HefFile.deserializeCiphertexts(Array(inner), context: context)
            guard stored.count == table.reduce(0, { $0 + $1.ciphertexts }) else {
                throw CKKSError.malformedData(
                    "the batches claim \(table.reduce(0) { $0 + $1.ciphertexts }) ciphertexts, the file holds \(stored.count)"
                )
            }
            var next = 0
            for entry in table {
                let cts = stored[next..<(next + entry.ciphertexts)].map(\.ciphertext)
                batches.append(Batch(samples: entry.samples, ciphertexts: cts, outOfRange: entry.outOfRange))
                next += entry.ciphertexts
            }
        } else {
            for b in 0..<header.batchCount {
                let (samples, outOfRange, inner) = try reader.legacyBatch(b, version: header.version)
                let stored = try HefFile.deserializeCiphertexts(Array(inner), context: context)
                batches.append(Batch(samples: samples, ciphertexts: stored.map(\.ciphertext), outOfRange: outOfRange))
            }
        }
        try reader.expectEnd()
        self.batches = batches
    }

    /// Refuses ciphertexts made for another model, at the wrong stage, or with batches that do
    /// not fit the model's slot layout.
    /// - Parameters:
    ///   - model: The compiled model the ciphertexts should be for.
    ///   - expected: The stage the caller expects.
    /// - Throws: ``ModelError/wrongModel(_:)`` naming the mismatch; ``ModelError/invalidModel(_:)``
    ///   when the model has no slot layout.
    public func check(model: CompiledModel, stage expected: Stage) throws {
        guard modelID == model.id else {
            throw ModelError.wrongModel(
                "these ciphertexts were made for another model (model id \(String(modelID, radix: 16)), this model is \(String(model.id, radix: 16)))"
            )
        }
        guard stage == expected else {
            let why: String
            switch stage {
            case .inputs: why = "this file holds encrypted inputs, not results: run hefctl infer first"
            case .outputs: why = "this file holds results, not \(expected.name)"
            case .refreshRequest: why = "this file is a refresh request: the key holder runs hefctl refresh on it first"
            case .refreshed: why = "this file holds refreshed ciphertexts: run hefctl infer on it to go on"
            }
            throw ModelError.wrongModel(why)
        }
        let layout = try model.layout
        let expectedCount: Int
        switch stage {
        case .inputs: expectedCount = layout.inputCiphertexts
        case .outputs: expectedCount = layout.outputCiphertexts
        case .refreshRequest, .refreshed:
            guard let refresh = model.plan.refresh, segment >= 1, segment <= refresh.cuts.count else {
                throw ModelError.wrongModel("this file names segment \(segment + 1), which the model does not have")
            }
            let cut = refresh.cuts[segment - 1]
            expectedCount = model.packing == .latency ? 1 : model.layers[cut / 2].weights.count
        }
        for (b, batch) in batches.enumerated() {
            guard batch.ciphertexts.count == expectedCount else {
                throw ModelError.wrongModel(
                    "batch \(b + 1) holds \(batch.ciphertexts.count) ciphertexts; the model's \(model.packing.rawValue) packing expects \(expectedCount)"
                )
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
        /// The file version (1, 2 or 3).
        public var version: Int
        /// The ``CompiledModel/id`` the ciphertexts were made for.
        public var modelID: UInt64
        /// Inputs, outputs or a refresh round trip.
        public var stage: Stage
        /// Refresh stages: the segment that runs next.
        public var segment: Int
        /// Refresh stages: the round trip's id, 16 bytes (empty otherwise).
        public var requestID: [UInt8]
        /// Samples over all batches.
        public var samples: Int
        /// Number of batches.
        public var batches: Int
        /// An embedded Hef ciphertext file: version 3, the one holding every batch's
        /// ciphertexts; versions 1 and 2, the first batch's (nil without batches).
        public var ciphertextFile: [UInt8]?
    }

    /// Whether `bytes` start like a model ciphertext file.
    public static func isModelCiphertexts(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 4 && Array(bytes[0..<4]) == magic
    }

    /// Reads the container of a model ciphertext file without decoding its ciphertexts.
    /// - Parameter bytes: The file's bytes.
    /// - Throws: ``ModelError/unsupportedFormat(_:)`` when the bytes are not a model ciphertext
    ///   file; `CKKSError/unsupportedVersion(_:)`, `CKKSError/truncated(_:)` or
    ///   `CKKSError/malformedData(_:)` for another version or a damaged container.
    public static func summary(_ bytes: [UInt8]) throws -> Summary {
        var reader = Reader(bytes: bytes)
        let header = try reader.header()
        var samples = 0
        var file: [UInt8]?
        if header.version >= 3 {
            samples = try reader.batchTable(count: header.batchCount).reduce(0) { $0 + $1.samples }
            file = Array(try reader.take(Int(clamping: try reader.word(8, "the ciphertext length")), "the ciphertexts"))
        } else {
            for b in 0..<header.batchCount {
                let batch = try reader.legacyBatch(b, version: header.version)
                samples += batch.samples
                if file == nil { file = Array(batch.inner) }
            }
        }
        return Summary(
            version: header.version, modelID: header.modelID, stage: header.stage, segment: header.segment,
            requestID: header.requestID, samples: samples,
            batches: header.batchCount,
            ciphertextFile: file)
    }

    /// Reads the container fields of every version.
    struct Reader {
        let bytes: [UInt8]
        var offset = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        mutating func take(_ count: Int, _ what: String) throws -> ArraySlice<UInt8> {
            guard count >= 0, bytes.count - offset >= count else {
                throw CKKSError.truncated("the file ends inside \(what)")
            }
            defer { offset += count }
            return bytes[offset..<(offset + count)]
        }

        mutating func word(_ count: Int, _ what: String) throws -> UInt64 {
            var v: UInt64 = 0
            for (i, b) in try take(count, what).enumerated() { v |= UInt64(b) << (8 * UInt64(i)) }
            return v
        }

        mutating func header() throws -> (
            version: Int, modelID: UInt64, stage: Stage, segment: Int, requestID: [UInt8], batchCount: Int
        ) {
            guard ModelCiphertexts.isModelCiphertexts(bytes) else {
                throw ModelError.unsupportedFormat("not a model ciphertext file (hefctl encrypt --model writes one)")
            }
            offset = 4
            let version = Int(try word(2, "the version"))
            guard (1...3).contains(version) else { throw CKKSError.unsupportedVersion(version) }
            let modelID = try word(8, "the model id")
            guard let stage = Stage(rawValue: UInt8(try word(1, "the stage"))) else {
                throw CKKSError.malformedData("unknown stage")
            }
            var segment = 0
            var requestID: [UInt8] = []
            if ModelCiphertexts.isRefresh(stage) {
                guard version >= 3 else {
                    throw CKKSError.malformedData("a refresh stage in a version \(version) file")
                }
                segment = Int(try word(2, "the segment"))
                requestID = Array(try take(16, "the request id"))
            }
            let count = Int(try word(4, "the batch count"))
            // A batch takes at least 9 bytes in every version.
            guard count <= (bytes.count - offset) / 9 else {
                throw CKKSError.truncated("\(count) batches cannot fit in the file")
            }
            return (version, modelID, stage, segment, requestID, count)
        }

        /// Version 3: samples, flags and ciphertext count of each batch.
        mutating func batchTable(count: Int) throws -> [(samples: Int, outOfRange: Bool, ciphertexts: Int)] {
            try (0..<count).map { b in
                let samples = Int(try word(4, "batch \(b + 1)"))
                let flags = try word(1, "batch \(b + 1)")
                guard flags <= 1 else { throw CKKSError.malformedData("batch \(b + 1) has unknown flags \(flags)") }
                let ciphertexts = Int(try word(4, "batch \(b + 1)"))
                return (samples, flags == 1, ciphertexts)
            }
        }

        /// Versions 1 and 2: one batch with its own Hef ciphertext file.
        mutating func legacyBatch(_ b: Int, version: Int) throws -> (
            samples: Int, outOfRange: Bool, inner: ArraySlice<UInt8>
        ) {
            let samples = Int(try word(4, "batch \(b + 1)"))
            let flags = version >= 2 ? try word(1, "batch \(b + 1)") : 0
            guard flags <= 1 else { throw CKKSError.malformedData("batch \(b + 1) has unknown flags \(flags)") }
            let length = Int(clamping: try word(8, "batch \(b + 1)"))
            return (samples, flags == 1, try take(length, "batch \(b + 1)"))
        }

        func expectEnd() throws {
            guard offset == bytes.count else { throw CKKSError.malformedData("\(bytes.count - offset) trailing bytes") }
        }
    }
}
