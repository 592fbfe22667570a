import Foundation
import HefCKKS

/// A model ready for encrypted inference (`MODEL.hef`): the source model, the layers as they
/// run on ciphertexts (scaler and range maps folded into the weights, non-polynomial
/// activations replaced by Chebyshev series), the packing, and the plan (parameters, slot
/// layout, rotation steps, predicted depth and precision). JSON, versioned.
///
/// The ``id`` is computed once, when the model is made or decoded, and again only when a
/// property changes.
public struct CompiledModel: Codable, Sendable {
    /// The `format` field of a compiled model file.
    public static let formatName = "hef-compiled-mlp"
    /// The file version this Hef writes and reads.
    public static let currentVersion = 1

    /// Always ``formatName`` in a valid file.
    public var format: String { didSet { refreshID() } }
    /// Always ``currentVersion`` in a valid file.
    public var version: Int { didSet { refreshID() } }
    /// The model as given (the client uses its output tail and the plaintext reference).
    public var source: MLPModel { didSet { refreshID() } }
    /// How samples are laid out in slots (the plan's ``InferencePlan/layout`` implements it).
    public var packing: Packing { didSet { refreshID() } }
    /// The layers as evaluated on ciphertexts.
    public var layers: [CompiledLayer] { didSet { refreshID() } }
    /// Parameters, slot layout, depth, guarantees.
    public var plan: InferencePlan { didSet { refreshID() } }
    /// A fingerprint of everything that defines the encrypted computation (FNV-1a of the
    /// sorted-keys JSON without the derived slot layout, so files written before the layout was
    /// stored keep their id): ciphertexts made for one compiled model are refused by another.
    public private(set) var id: UInt64 = 0
    /// True for a client part (``clientPart()``): the weights, biases and input scaler are
    /// zeros or absent and ``id`` is the full model's, stored rather than computed. Such a
    /// model encodes, encrypts, decodes and checks rows against its guaranteed input box, but
    /// cannot be evaluated.
    public internal(set) var weightsWithheld = false

    /// A compiled model from its parts (``ModelCompiler`` makes them; the plan should come from
    /// ``Planner``).
    public init(source: MLPModel, packing: Packing, layers: [CompiledLayer], plan: InferencePlan) {
        self.format = Self.formatName
        self.version = Self.currentVersion
        self.source = source
        self.packing = packing
        self.layers = layers
        self.plan = plan
        refreshID()
    }

    private enum CodingKeys: String, CodingKey {
        case format, version, source, packing, layers, plan, weightsWithheld, id
    }

    /// Decodes a compiled model, unchecked (``validate()`` checks it, a stored slot layout
    /// included; ``load(contentsOf:)`` also fills in the layout of a file written before
    /// layouts were stored).
    /// - Parameter decoder: The decoder.
    /// - Throws: `DecodingError` for missing or mistyped fields (``load(contentsOf:)`` reports it
    ///   as ``ModelError/unsupportedFormat(_:)``).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        format = try c.decode(String.self, forKey: .format)
        version = try c.decode(Int.self, forKey: .version)
        source = try c.decode(MLPModel.self, forKey: .source)
        packing = try c.decode(Packing.self, forKey: .packing)
        layers = try c.decode([CompiledLayer].self, forKey: .layers)
        plan = try c.decode(InferencePlan.self, forKey: .plan)
        weightsWithheld = try c.decodeIfPresent(Bool.self, forKey: .weightsWithheld) ?? false
        if weightsWithheld {
            // A client part names the full model it was cut from: its id cannot be computed.
            let text = try c.decode(String.self, forKey: .id)
            guard text.count == 16, let value = UInt64(text, radix: 16) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .id, in: c, debugDescription: "a client part's id is 16 hex digits")
            }
            id = value
        } else {
            // Nothing is derived from unchecked fields here: hostile shapes are refused by validate().
            refreshID()
        }
    }

    /// `model` with `layout` as its plan's slot layout (the id does not cover the layout, so
    /// it is kept rather than computed again).
    init(_ model: CompiledModel, layout: SlotLayout) {
        format = model.format
        version = model.version
        source = model.source
        packing = model.packing
        layers = model.layers
        plan = model.plan
        plan.layout = layout
        weightsWithheld = model.weightsWithheld
        id = model.id
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(format, forKey: .format)
        try c.encode(version, forKey: .version)
        try c.encode(source, forKey: .source)
        try c.encode(packing, forKey: .packing)
        try c.encode(layers, forKey: .layers)
        try c.encode(plan, forKey: .plan)
        if weightsWithheld {
            try c.encode(true, forKey: .weightsWithheld)
            let hex = String(id, radix: 16)
            try c.encode(String(repeating: "0", count: 16 - hex.count) + hex, forKey: .id)
        }
    }

    /// The fields the id covers, encoded as a compiled model file was before slot layouts were
    /// stored.
    private struct Fingerprint: Encodable {
        var format: String
        var version: Int
        var source: MLPModel
        var packing: Packing
        var layers: [CompiledLayer]
        var plan: InferencePlan
    }

    private mutating func refreshID() {
        // A client part keeps the id of the model it was cut from.
        guard !weightsWithheld else { return }
        var bare = plan
        bare.layout = nil
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let fingerprint = Fingerprint(
            format: format, version: version, source: source, packing: packing, layers: layers, plan: bare)
        let data = (try? encoder.encode(fingerprint)) ?? Data()
        var hash = FNV1a()
        hash.combine(bytes: data)
        id = hash.value
    }

    /// The level each segment starts at (one segment at the top level without refreshes; see
    /// ``RefreshPlan/startLevels(stageDepths:)``).
    public var segmentStartLevels: [Int] {
        guard let refresh = plan.refresh else { return [plan.parameters.logQ.count - 1] }
        return refresh.startLevels(stageDepths: RefreshPlan.stageDepths(layers))
    }

    /// The highest level any of the model's own operations runs at: the top without refreshes,
    /// else the highest segment start (the client encrypts, and refreshes and bootstraps
    /// return, at a segment's start). Its Galois keys need reach no higher.
    public var maxOperationLevel: Int { segmentStartLevels.max() ?? (plan.parameters.logQ.count - 1) }

    /// The model's input width.
    public var inputSize: Int { source.inputSize }
    /// Scores per sample.
    public var outputSize: Int { layers.last?.weights.count ?? 0 }

    /// The plan's slot layout, computed once by the compiler (or by ``load(contentsOf:)`` for
    /// files written before layouts were stored). A model decoded some other way from such a
    /// file has none stored: it is then checked and computed at each access.
    /// - Throws: ``ModelError/invalidModel(_:)`` or ``ModelError/unsupportedFormat(_:)`` from
    ///   ``validate()`` when no layout is stored and the model is not valid.
    public var layout: any PackingLayout {
        get throws {
            if let stored = plan.layout { return stored.layout }
            return try checked().layout.layout
        }
    }
}
