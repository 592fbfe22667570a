public import HefCKKS

/// What the planner chose.
public struct InferencePlan: Codable, Sendable {
    /// The CKKS parameters.
    public var parameters: ParametersLiteral
    /// Slot block size of the latency packing (the client's input period), 0 otherwise.
    public var blockSize: Int
    /// Rotation steps the evaluation keys must cover.
    public var rotationSteps: [Int]
    /// Levels consumed.
    public var depth: Int
    /// Samples per ciphertext (latency: 1; throughput: N/2).
    public var samplesPerCiphertext: Int
    /// Ciphertexts per batch sent by the client (latency: 1 per sample; throughput: one per feature).
    public var inputCiphertexts: Int
    /// A rough prediction of the bits of precision of the scores.
    public var predictedPrecisionBits: Double
    /// What the planner and compiler noted (choices, approximations).
    public var notes: [String]
    /// The slot layout the client and the server agree on; a model compiled for another layout
    /// version is refused rather than evaluated wrongly.
    public var layoutVersion: Int
    /// Input box, envelopes and error bounds (nil in files compiled before they existed: they
    /// are then derived without a calibration box when the model is loaded).
    public var guarantees: PlanGuarantees?
    /// The slot layout, computed once by the compiler for the plan's ring (absent in files
    /// written before it was stored: computed when such a file is decoded). ``CompiledModel/validate()``
    /// checks it against the layers.
    public var layout: SlotLayout?
    /// Where the key holder refreshes the ciphertexts (nil: the model runs in one segment).
    public var refresh: RefreshPlan?

    /// The layout version this Hef evaluates.
    public static let currentLayoutVersion = 2

    /// A plan for `parameters` with `layout` computed on their ring; the fields a file also
    /// stores on their own (block size, rotations, samples and ciphertexts per batch) are
    /// taken from the layout.
    public init(
        parameters: ParametersLiteral, depth: Int, predictedPrecisionBits: Double, notes: [String], layout: SlotLayout,
        guarantees: PlanGuarantees? = nil
    ) {
        self.parameters = parameters
        self.blockSize = layout.blockSize
        self.rotationSteps = layout.layout.rotationSteps
        self.depth = depth
        self.samplesPerCiphertext = layout.layout.samplesPerBatch
        self.inputCiphertexts = layout.layout.inputCiphertexts
        self.predictedPrecisionBits = predictedPrecisionBits
        self.notes = notes
        self.layoutVersion = Self.currentLayoutVersion
        self.guarantees = guarantees
        self.layout = layout
    }
}
