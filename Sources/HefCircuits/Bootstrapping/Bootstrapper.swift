import Dispatch
import Foundation
public import HefCKKS

/// Non-interactive CKKS bootstrapping of ciphertexts with a fixed slot count: a level-0
/// ciphertext in, a ciphertext with ``levelsLeft`` levels out, the same message to about
/// 2^-31 (8 slots) to 2^-25 (1,024 slots) and 2^-20 (full slots) on boot16 (see BENCHMARKS.md
/// for what each preset measures).
///
/// Steps, with n slots, N the ring degree and V = 2n (V = n for full slots):
/// 1. ModRaise with sparse-secret encapsulation (`Evaluator.modRaise(_:encapsulation:)`): the
///    ciphertext decrypts to m + q_0·I with |I| ≤ K.
/// 2. Trace to the subring X^(N/2n) (sparse slots): log2(N/2n) automorphisms and additions.
/// 3. CoeffsToSlots: the inverse butterflies of the slot FFT, merged into
///    ``BootstrapConfiguration/coeffsToSlotsLevels`` factors, then a conjugation; the real and
///    imaginary parts of the coefficients land in the two halves of V slots (sparse) or in two
///    ciphertexts (full).
/// 4. EvalMod: sin(2πx) removes q_0·I.
/// 5. SlotsToCoeffs: the forward butterflies, merged likewise, back to n slots at the
///    parameters' default scale.
///
/// The butterflies' bit reversals are never applied: they cancel between steps 3 and 5.
public final class Bootstrapper: Sendable {
    /// The context.
    public let context: CKKSContext
    /// Slots of the ciphertexts bootstrapped.
    public let slots: Int
    /// The configuration.
    public let configuration: BootstrapConfiguration
    /// Levels left after a bootstrap.
    public let levelsLeft: Int

    let evaluator: Evaluator
    let encapsulation: EncapsulationKeys
    let view: Int
    let traceElements: [Int]
    let coeffsToSlots: [EncodedSlotDiagonals]
    /// Full slots only: the last CoeffsToSlots factor that yields the imaginary parts.
    let coeffsToSlotsImaginary: EncodedSlotDiagonals?
    let slotsToCoeffs: [EncodedSlotDiagonals]
    /// Full slots only: the first SlotsToCoeffs factor applied to the imaginary parts.
    let slotsToCoeffsImaginary: EncodedSlotDiagonals?
    let modReduction: ModReduction
    let evalModScale: Double

    /// A bootstrapper for ciphertexts of `slots` slots; encodes the DFT factors once.
    /// - Parameters:
    ///   - context: the context (parameters with at least ``BootstrapConfiguration/depth`` levels)
    ///   - keys: keys made by `KeyGenerator.bootstrappingKeys(for:slots:configuration:)`
    ///   - slots: a power of two in 2...N/2
    ///   - configuration: the configuration the parameters were built for
    /// - Throws: `CKKSError.invalidParameters` for a slot count out of range or parameters with
    ///   too few levels; `CKKSError.parametersMismatch` for keys of other parameters.
    public init(context: CKKSContext, keys: BootstrappingKeys, slots: Int, configuration: BootstrapConfiguration)
        throws
    {
        let parameters = context.parameters
        try parameters.requireID(keys.evaluation.parametersID)
        let plan = try Plan(parameters: parameters, slots: slots, configuration: configuration)
        self.context = context
        self.slots = slots
        self.configuration = configuration
        self.levelsLeft = plan.levelsLeft
        self.evaluator = try Evaluator(context: context, keys: keys.evaluation)
        self.encapsulation = keys.encapsulation
        self.view = plan.view
        self.traceElements = plan.traceElements(encoder: context.encoder)
        self.modReduction = plan.modReduction
        self.evalModScale = plan.evalModScale

        let q = parameters.q
        let top = parameters.maxLevel
        // CoeffsToSlots: from the recorded scale q_0 to EvalMod's scale, the change spread
        // evenly over the factors so that every diagonal keeps about the same precision.
        var cts: [EncodedSlotDiagonals] = []
        var scale = Double(q[0])
        let c = configuration.coeffsToSlotsLevels
        let ctsLevels = (0..<c).map { top - $0 }
        let ctsStep = Foundation.pow(
            plan.evalModScale * ctsLevels.map { Double(q[$0]) }.reduce(1, *) / scale, 1 / Double(c))
        var ctsImaginary: EncodedSlotDiagonals?
        for (i, map) in plan.coeffsToSlots.enumerated() {
            let level = ctsLevels[i]
            let plainScale = i == c - 1 ? plan.evalModScale * Double(q[level]) / scale : ctsStep
            let schedule = plan.coeffsToSlotsSchedules[i]
            cts.append(
                try EncodedSlotDiagonals(
                    map, schedule: schedule, context: context, level: level, plainScale: plainScale))
            if i == c - 1, let imaginary = plan.coeffsToSlotsImaginary {
                ctsImaginary = try EncodedSlotDiagonals(
                    imaginary, schedule: schedule, context: context, level: level, plainScale: plainScale)
            }
            scale = scale * plainScale / Double(q[level])
        }
        coeffsToSlots = cts
        coeffsToSlotsImaginary = ctsImaginary

        // SlotsToCoeffs: from EvalMod's output scale to the default scale.
        let evalModLevel = top - c
        var stcScale = plan.modReduction.outputScale(inputLevel: evalModLevel, scale: plan.evalModScale, primes: q)
        let s = configuration.slotsToCoeffsLevels
        let stcTop = evalModLevel - plan.modReduction.depth
        let stcLevels = (0..<s).map { stcTop - $0 }
        let target = parameters.defaultScale
        let stcStep = Foundation.pow(
            target * stcLevels.map { Double(q[$0]) }.reduce(1, *) / stcScale, 1 / Double(s))
        var stc: [EncodedSlotDiagonals] = []
        var stcImaginary: EncodedSlotDiagonals?
        for (i, map) in plan.slotsToCoeffs.enumerated() {
            let level = stcLevels[i]
            let plainScale = i == s - 1 ? target * Double(q[level]) / stcScale : stcStep
            let schedule = plan.slotsToCoeffsSchedules[i]
            stc.append(
                try EncodedSlotDiagonals(
                    map, schedule: schedule, context: context, level: level, plainScale: plainScale))
            if i == 0, let imaginary = plan.slotsToCoeffsImaginary {
                stcImaginary = try EncodedSlotDiagonals(
                    imaginary, schedule: schedule, context: context, level: level, plainScale: plainScale)
            }
            stcScale = stcScale * plainScale / Double(q[level])
        }
        slotsToCoeffs = stc
        slotsToCoeffsImaginary = stcImaginary
    }

    /// The Galois elements whose keys bootstrapping uses (rotations of the DFT factors,
    /// conjugation, the trace's automorphisms); relinearization and encapsulation come on top.
    /// - Parameters:
    ///   - context: the context
    ///   - slots: the slot count
    ///   - configuration: the configuration
    /// - Throws: `CKKSError.invalidParameters` as ``init(context:keys:slots:configuration:)``.
    public static func galoisElements(context: CKKSContext, slots: Int, configuration: BootstrapConfiguration)
        throws -> [Int]
    {
        try galoisKeyLevels(context: context, slots: slots, configuration: configuration).keys.sorted()
    }

    /// Each Galois element bootstrapping uses, with the highest level it is applied at: the
    /// top for the trace and the first CoeffsToSlots factor, lower for the later factors, the
    /// conjugation and SlotsToCoeffs. A key made up to that level
    /// (`KeyGenerator.galoisKey(for:galoisElement:maxLevel:stream:)`) is enough, and the
    /// SlotsToCoeffs keys, which run just above the user's levels, are a fraction of a whole key.
    /// - Parameters:
    ///   - context: the context
    ///   - slots: the slot count
    ///   - configuration: the configuration
    /// - Throws: `CKKSError.invalidParameters` as ``init(context:keys:slots:configuration:)``.
    public static func galoisKeyLevels(context: CKKSContext, slots: Int, configuration: BootstrapConfiguration)
        throws -> [Int: Int]
    {
        let plan = try Plan(parameters: context.parameters, slots: slots, configuration: configuration)
        let encoder = context.encoder
        let top = context.parameters.maxLevel
        var levels: [Int: Int] = [:]
        func use(_ g: Int, at level: Int) {
            if g != 1 { levels[g] = max(levels[g] ?? 0, level) }
        }
        for g in plan.traceElements(encoder: encoder) { use(g, at: top) }
        let c = configuration.coeffsToSlotsLevels
        for (i, map) in plan.coeffsToSlots.enumerated() {
            for step in plan.coeffsToSlotsSchedules[i].rotationSteps(of: map) {
                use(encoder.galoisElement(forStep: step, slots: plan.view), at: top - i)
            }
        }
        use(encoder.conjugationElement, at: top - c)
        let stcTop = top - c - plan.modReduction.depth
        for (i, map) in plan.slotsToCoeffs.enumerated() {
            for step in plan.slotsToCoeffsSchedules[i].rotationSteps(of: map) {
                use(encoder.galoisElement(forStep: step, slots: plan.view), at: stcTop - i)
            }
        }
        return levels
    }

    /// Bootstraps `ciphertext` (any level; at the parameters' default scale, values of
    /// magnitude at most about 1) to a ciphertext at level ``levelsLeft`` and the default scale.
    /// - Parameters:
    ///   - ciphertext: a ciphertext of ``slots`` slots
    /// - Throws: `CKKSError.slotCountMismatch` for another slot count, `CKKSError.scaleMismatch`
    ///   for another scale, and the evaluator's `CKKSError` cases (keys of another secret).
    public func bootstrap(_ ciphertext: Ciphertext) throws -> Ciphertext {
        try bootstrap(ciphertext) { _, _ in }
    }

    /// The steps of a bootstrap, for timing: ModRaise, the trace, CoeffsToSlots, EvalMod,
    /// SlotsToCoeffs.
    public enum Step: String, Sendable, CaseIterable {
        /// Encapsulated ModRaise.
        case modRaise
        /// The trace onto the subring (sparse slots).
        case trace
        /// CoeffsToSlots and the conjugation.
        case coeffsToSlots
        /// EvalMod.
        case evalMod
        /// SlotsToCoeffs.
        case slotsToCoeffs
    }

    /// ``bootstrap(_:)``, calling `stepDone` after each step with the seconds it took.
    /// - Parameters:
    ///   - ciphertext: a ciphertext of ``slots`` slots
    ///   - stepDone: called with each step and its duration in seconds
    /// - Throws: as ``bootstrap(_:)``.
    public func bootstrap(_ ciphertext: Ciphertext, stepDone: (Step, Double) -> Void) throws -> Ciphertext {
        var clock = DispatchTime.now().uptimeNanoseconds
        func done(_ step: Step) {
            let now = DispatchTime.now().uptimeNanoseconds
            stepDone(step, Double(now - clock) / 1e9)
            clock = now
        }
        guard ciphertext.slots == slots else { throw CKKSError.slotCountMismatch(slots, ciphertext.slots) }
        let target = context.parameters.defaultScale
        guard Evaluator.sameScale(ciphertext.scale, target) else {
            throw CKKSError.scaleMismatch(target, ciphertext.scale)
        }
        var input = ciphertext
        if input.size == 3 { input = try evaluator.relinearize(input) }
        var x = try evaluator.modRaise(input, encapsulation: encapsulation)
        done(.modRaise)
        for g in traceElements { x = try evaluator.add(x, try evaluator.automorphism(x, galoisElement: g)) }
        x.slots = view
        done(.trace)

        var y: Ciphertext
        if let ctsImaginary = coeffsToSlotsImaginary, let stcImaginary = slotsToCoeffsImaginary {
            for map in coeffsToSlots.dropLast() { x = try map.evaluate(x, evaluator: evaluator) }
            var vr = try coeffsToSlots.last!.evaluate(x, evaluator: evaluator)
            var vi = try ctsImaginary.evaluate(x, evaluator: evaluator)
            try vr.resetScale(to: evalModScale)
            try vi.resetScale(to: evalModScale)
            let wr = try evaluator.add(vr, try evaluator.conjugate(vr))
            let wi = try evaluator.add(vi, try evaluator.conjugate(vi))
            done(.coeffsToSlots)
            let real = try modReduction.evaluate(wr, evaluator: evaluator, scale: evalModScale)
            let imaginary = try modReduction.evaluate(wi, evaluator: evaluator, scale: evalModScale)
            done(.evalMod)
            y = try evaluator.add(
                try slotsToCoeffs[0].evaluate(real, evaluator: evaluator),
                try stcImaginary.evaluate(imaginary, evaluator: evaluator))
            for map in slotsToCoeffs.dropFirst() { y = try map.evaluate(y, evaluator: evaluator) }
        } else {
            for map in coeffsToSlots { x = try map.evaluate(x, evaluator: evaluator) }
            try x.resetScale(to: evalModScale)
            let packed = try evaluator.add(x, try evaluator.conjugate(x))
            done(.coeffsToSlots)
            y = try modReduction.evaluate(packed, evaluator: evaluator, scale: evalModScale)
            done(.evalMod)
            for map in slotsToCoeffs { y = try map.evaluate(y, evaluator: evaluator) }
        }
        done(.slotsToCoeffs)
        try y.resetScale(to: target)
        y.slots = slots
        return y
    }
}

extension Bootstrapper {
    /// The maps and levels of a bootstrapper, before any encoding.
    struct Plan {
        let slots: Int
        let ringDegree: Int
        let view: Int
        let levelsLeft: Int
        let coeffsToSlots: [SlotDiagonals]
        let coeffsToSlotsImaginary: SlotDiagonals?
        let slotsToCoeffs: [SlotDiagonals]
        let slotsToCoeffsImaginary: SlotDiagonals?
        let modReduction: ModReduction
        let evalModScale: Double
        /// n1 and the giant steps' form of each factor, chosen in order so that later factors
        /// reuse earlier factors' rotation keys where that costs little
        /// (``DiagonalSchedule/choose(for:keys:)``).
        let coeffsToSlotsSchedules: [DiagonalSchedule]
        let slotsToCoeffsSchedules: [DiagonalSchedule]
        /// The rotation steps (in the view of V slots) of all factors.
        let rotationSteps: Set<Int>

        init(parameters: CKKSParameters, slots n: Int, configuration: BootstrapConfiguration) throws {
            let ringDegree = parameters.n
            guard n >= 2, n <= ringDegree / 2, n & (n - 1) == 0 else {
                throw CKKSError.invalidParameters(
                    "bootstrapping needs a power-of-two slot count in 2...\(ringDegree / 2)")
            }
            guard configuration.coeffsToSlotsLevels >= 1, configuration.slotsToCoeffsLevels >= 1,
                configuration.doubleAngles >= 0, configuration.cosineDegree >= 2
            else { throw CKKSError.invalidParameters("a bootstrapping configuration needs a level per transform") }
            guard let left = configuration.levelsLeft(parameters) else {
                throw CKKSError.invalidParameters(
                    "bootstrapping consumes \(configuration.depth) levels; the parameters have \(parameters.maxLevel)")
            }
            let full = n == ringDegree / 2
            let v = full ? n : 2 * n
            self.slots = n
            self.ringDegree = ringDegree
            self.view = v
            self.levelsLeft = left
            let k = configuration.bound
            modReduction = ModReduction(
                bound: k, degree: configuration.cosineDegree, doubleAngles: configuration.doubleAngles,
                arcSine: configuration.arcSineCorrection)
            evalModScale = Foundation.pow(2, configuration.evalModLogScale)

            // CoeffsToSlots: slots read gap·z for z = Decode(T_sub/q_0), gap = N/2n; the output must
            // be IB(z)/(n·(K+1)): every factor carries (1/((N/2)(K+1)))^(1/c).
            let c = configuration.coeffsToSlotsLevels
            let normalization = Foundation.pow(1 / (Double(ringDegree / 2) * Double(k + 1)), 1 / Double(c))
            var cts = SlotFFT.merge(
                SlotFFT.inverseStages(slots: n, view: v, ringDegree: ringDegree), into: c, view: v
            ).map { $0.scalingRows { _ in Complex(normalization) } }
            let last = cts[c - 1]
            if full {
                // Two last factors: u/2 and −i·u/2; each plus its conjugate gives Re u and Im u.
                cts[c - 1] = last.scalingRows { _ in Complex(0.5) }
                coeffsToSlotsImaginary = last.scalingRows { _ in Complex(0, -0.5) }
            } else {
                // One factor: [u/2, −i·u/2] in the two halves; plus its conjugate, [Re u, Im u].
                cts[c - 1] = last.scalingRows { i in i < n ? Complex(0.5) : Complex(0, -0.5) }
                coeffsToSlotsImaginary = nil
            }
            coeffsToSlots = cts

            // SlotsToCoeffs: sin(2πx) = 2π·m/q_0; the output must be m/Δ: every factor carries
            // (q_0/(2π·Δ))^(1/s).
            let s = configuration.slotsToCoeffsLevels
            let ratio = Double(parameters.q[0]) / (2 * Double.pi * parameters.defaultScale)
            let factor = Foundation.pow(ratio, 1 / Double(s))
            var stages = SlotFFT.forwardStages(slots: n, view: v, ringDegree: ringDegree)
            if !full {
                // Combine the halves: slot i < n gets w_i + i·w_{i+n}, slot i ≥ n gets w_{i−n} + i·w_i.
                let combine = SlotDiagonals(
                    size: v,
                    diagonals: [
                        0: (0..<v).map { $0 < n ? Complex.one : Complex.i },
                        n: (0..<v).map { $0 < n ? Complex.i : Complex.one },
                    ])
                stages.insert(combine, at: 0)
            }
            let stc = SlotFFT.merge(stages, into: s, view: v).map { $0.scalingRows { _ in Complex(factor) } }
            slotsToCoeffs = stc
            slotsToCoeffsImaginary = full ? stc[0].scalingRows { _ in Complex.i } : nil

            // Keys already needed: the trace's rotations by n·2^i (for sparse slots, in the V view
            // rotation by n is the trace's first automorphism).
            var steps: Set<Int> = full ? [] : [n]
            func choose(_ maps: [SlotDiagonals]) -> [DiagonalSchedule] {
                maps.map { map in
                    let schedule = DiagonalSchedule.choose(for: map, keys: steps)
                    steps.formUnion(schedule.rotationSteps(of: map))
                    return schedule
                }
            }
            coeffsToSlotsSchedules = choose(cts)
            slotsToCoeffsSchedules = choose(stc)
            rotationSteps = steps.filter { $0 != 0 }
        }

        /// The automorphisms X → X^(5^(n·2^i)), i < log2(N/2n), whose sum is the trace onto the
        /// subring X^(N/2n) (none for full slots).
        func traceElements(encoder: CKKSEncoder) -> [Int] {
            var out: [Int] = []
            var step = slots
            while step < ringDegree / 2 {
                out.append(encoder.galoisElement(forStep: step, slots: ringDegree / 2))
                step *= 2
            }
            return out
        }
    }
}
