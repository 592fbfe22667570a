import Foundation

/// Chooses parameters for a compiled model: the depth it needs, the smallest ring that holds
/// that depth securely (128-bit table), the scale, the rotation steps, and a precision
/// estimate.
public struct Planner: Sendable {
    public let packing: Packing

    public init(packing: Packing) {
        self.packing = packing
    }

    /// Levels consumed by each layer: one for the dense part (plaintext or constant product
    /// and its rescale) plus the activation's depth.
    public static func depth(of layers: [CompiledLayer]) -> Int {
        layers.reduce(0) { $0 + 1 + $1.activation.depth }
    }

    /// The period the client encodes with (latency packing).
    public static func blockSize(of layers: [CompiledLayer], inputSize: Int) -> Int {
        LatencyLayout.inputPeriod(layers: layers, inputSize: inputSize)
    }

    public func plan(layers: [CompiledLayer], inputSize: Int, notes: [String] = []) throws -> InferencePlan {
        let depth = Self.depth(of: layers)
        let blockSize = Self.blockSize(of: layers, inputSize: inputSize)
        // Head room in q_0 for the scores: at least 16 bits of integer part.
        let integerBits = 16
        var chosen: (ParametersLiteral, CKKSParameters)?
        search: for logN in 12...16 {
            if packing == .latency && (try? LatencyLayout.layouts(layers: layers, inputSize: inputSize, slots: 1 << (logN - 1))) == nil {
                continue
            }
            for scaleBits in [40, 36, 33, 30] {
                let q0 = min(60, scaleBits + integerBits)
                let logQ = [q0] + Array(repeating: scaleBits, count: depth)
                // As many special primes (up to 4) as the security budget allows: each one more
                // divides the number of key-switching digits, so keys shrink and rotations speed up.
                var best: (ParametersLiteral, CKKSParameters)?
                for pCount in 1...min(4, logQ.count) {
                    let literal = ParametersLiteral(
                        logN: logN, logQ: logQ, logP: Array(repeating: max(q0, scaleBits), count: pCount),
                        logScale: Double(scaleBits))
                    guard let parameters = try? CKKSParameters(literal) else { break }
                    best = (literal, parameters)
                }
                if let best {
                    chosen = best
                    break search
                }
            }
        }
        guard let (literal, parameters) = chosen else {
            throw ModelError.planFailed(
                packing == .latency
                    ? "depth \(depth) does not fit N ≤ 65536 at 128-bit security, or a layer is wider than a ciphertext (try throughput packing)"
                    : "depth \(depth) does not fit N ≤ 65536 at 128-bit security")
        }
        let slots = parameters.maxSlots
        var steps: [Int] = []
        var planNotes = notes
        switch packing {
        case .latency:
            steps = try LatencyLayout.rotationSteps(layers: layers, inputSize: inputSize, slots: slots)
        case .throughput:
            break
        }
        // Fresh CKKS precision is about scale/√N·2^-6; every level costs a little.
        let logScale = literal.logScale
        let predicted = max(0, logScale - 0.5 * Double(literal.logN) - 7 - 0.5 * Double(depth))
        planNotes.append("depth \(depth), N = \(parameters.n), scale 2^\(Int(logScale)), log2(QP) = \(Int(parameters.logQP))")
        return InferencePlan(
            parameters: literal, blockSize: packing == .latency ? blockSize : 0, rotationSteps: steps.sorted(),
            depth: depth, samplesPerCiphertext: packing == .latency ? 1 : slots,
            inputCiphertexts: packing == .latency ? LatencyLayout.inputChunks(inputSize: inputSize, slots: slots) : inputSize,
            predictedPrecisionBits: predicted, notes: planNotes, layoutVersion: InferencePlan.currentLayoutVersion)
    }
}
