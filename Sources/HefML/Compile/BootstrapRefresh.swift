import Foundation
public import HefCKKS
public import HefCircuits

/// How a plan with `--refresh bootstrap` refreshes its ciphertexts at each cut: the server
/// bootstraps them itself, without a round trip to the key holder.
///
/// At a cut the server bootstraps the ciphertext as a ciphertext of ``slots`` slots (the
/// latency packing repeats every value with the cut's period, so the slot vector is
/// ``slots``-periodic). B = ``valueBounds``[i] is a power of two at least the largest |value|
/// the plan's envelopes allow at cut i. EvalMod approximates the modular reduction for values
/// near the message ratio q_0/Δ: when every B is at most ``undividedBound`` the plan keeps no
/// level at the cuts (`RefreshPlan.maskLevel` 0) and the ciphertext is bootstrapped as it is;
/// otherwise each segment keeps one level, the server multiplies by 1/B (landing exactly on the
/// default scale) before the bootstrap and by the integer B (no level) after it.
public struct BootstrapRefresh: Codable, Sendable, Equatable {
    /// Name of the parameter set ("boot16", or the name a test gave its chain).
    public var preset: String
    /// The bootstrapping configuration of the parameter set.
    public var configuration: BootstrapConfiguration
    /// Slots the ciphertexts are bootstrapped as: the largest period at a cut (a power of two).
    public var slots: Int
    /// Per cut: the power of two the values are divided by before the bootstrap.
    public var valueBounds: [Double]

    /// The largest bound a cut may have: each doubling costs a bit of the bootstrap's precision.
    public static let maxValueBound = 4096.0
    /// The largest bound bootstrapped without the division: at twice the message ratio
    /// EvalMod's arcsine-corrected sine still keeps about 20 bits (its fifth-order term,
    /// 3(2πx)^5/40 at x = 2^-7, is 2^-28 of q_0, 2^-20 of the scale).
    public static let undividedBound = 2.0

    /// A bootstrap refresh.
    /// - Parameters:
    ///   - preset: name of the parameter set
    ///   - configuration: its bootstrapping configuration
    ///   - slots: slot count of the bootstraps
    ///   - valueBounds: per cut, the power of two the values are divided by
    public init(preset: String, configuration: BootstrapConfiguration, slots: Int, valueBounds: [Double]) {
        self.preset = preset
        self.configuration = configuration
        self.slots = slots
        self.valueBounds = valueBounds
    }

    /// The standard deviation of the error one bootstrap adds to values of magnitude up to B,
    /// in units of the values: 2^-(27 − log2 slots)·B, a conservative fit of the measured worst
    /// precision at N = 2^16 (24.6 bits at 8 slots, 21.5 at 64, 16.7 at 1,024, 11.8 at 32,768;
    /// docs/bootstrapping.md).
    public func noise(bound: Double) -> Double {
        bound * pow(2, -27 + log2(Double(slots)))
    }

    /// Per cut, the power of two (≥ 1) bounding |value| at that stage for every admissible row:
    /// after a dense stage the pre-activation envelope (padding slots hold 0), after an
    /// activation stage the activation's range over it (padding slots hold f(0)).
    static func valueBounds(cuts: [Int], layers: [CompiledLayer], envelopes: [[PlanAnalysis.Interval]]) -> [Double] {
        cuts.map { stage in
            let k = stage / 2
            var reach = 0.0
            for z in envelopes[k] {
                let i = stage % 2 == 0 ? z : PlanAnalysis.activationRange(layers[k].activation, z)
                reach = max(reach, abs(i.lo), abs(i.hi))
            }
            if stage % 2 == 1 {
                let padding = PlanAnalysis.activationRange(layers[k].activation, (0, 0))
                reach = max(reach, abs(padding.lo), abs(padding.hi))
            }
            return reach <= 1 ? 1 : pow(2, ceil(log2(reach)))
        }
    }
}

/// A parameter set the planner may place bootstraps on: a named preset, or (tests only) a
/// small insecure chain with a preset's layout.
public struct BootstrapTarget: Sendable {
    /// The name recorded in the plan.
    public let name: String
    /// The parameters.
    public let literal: ParametersLiteral
    /// The bootstrapping configuration.
    public let configuration: BootstrapConfiguration
    let insecure: InsecureParametersForTestingOnly?

    /// A shipped preset (128-bit).
    /// - Parameter preset: the preset
    public init(_ preset: BootstrapPreset) {
        name = preset.rawValue
        literal = preset.literal
        configuration = preset.configuration
        insecure = nil
    }

    /// A chain that may fail the security check, for tests.
    /// - Parameters:
    ///   - name: the name recorded in the plan
    ///   - literal: the parameters
    ///   - configuration: the bootstrapping configuration
    ///   - insecure: the testing opt-in
    public init(
        name: String, literal: ParametersLiteral, configuration: BootstrapConfiguration,
        insecure: InsecureParametersForTestingOnly
    ) {
        self.name = name
        self.literal = literal
        self.configuration = configuration
        self.insecure = insecure
    }

    /// The parameters, checked (the security check skipped only for a testing chain).
    func parameters() throws -> CKKSParameters { try CKKSParameters(literal, insecure: insecure) }
}
