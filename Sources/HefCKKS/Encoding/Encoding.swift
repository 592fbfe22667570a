import Foundation
import HefRing

extension CKKSContext {
    /// Encodes real values into `slots` slots (default: the smallest power of two holding
    /// them) at `level` (default: the top) and `scale` (default: the parameters' scale).
    /// - Parameters:
    ///   - values: real parts, at most `slots` of them
    ///   - imaginary: imaginary parts (optional)
    ///   - level: the level (default: the top)
    ///   - scale: the scale (default: the parameters' scale)
    ///   - slots: a power of two up to N/2 (default: the smallest holding the values)
    /// - Throws: ``CKKSError/invalidParameters(_:)`` for a level or slot count out of range, ``CKKSError/tooManyValues(given:slots:)``, ``CKKSError/scaleOverflow(_:)`` when value × scale does not fit the modulus.
    public func encode(
        _ values: [Double], imaginary: [Double]? = nil, level: Int? = nil, scale: Double? = nil, slots: Int? = nil
    ) throws -> Plaintext {
        let count = max(values.count, imaginary?.count ?? 0)
        let slotCount = try resolveSlots(slots, count: count)
        let lvl = level ?? parameters.maxLevel
        guard lvl >= 0 && lvl <= parameters.maxLevel else {
            throw CKKSError.invalidParameters("level \(lvl) outside 0...\(parameters.maxLevel)")
        }
        let s = scale ?? parameters.defaultScale
        let coefficients = encoder.coefficients(real: values, imag: imaginary, slots: slotCount)
        let poly = try integerPolynomial(coefficients, scale: s, moduliCount: lvl + 1)
        return Plaintext(poly: poly.forwardNTT(), scale: s, slots: slotCount, parametersID: parameters.id)
    }

    /// Decodes a plaintext into its real slot values (and imaginary parts).
    /// - Parameters:
    ///   - plaintext: a plaintext of these parameters
    ///   - roundingBits: when set, each value is rounded to that many bits after the binary
    ///     point before it is returned (for results that leave the key holder).
    /// - Throws: ``CKKSError/parametersMismatch(expected:found:)``.
    public func decode(_ plaintext: Plaintext, roundingBits: Int? = nil) throws -> (real: [Double], imag: [Double]) {
        try parameters.requireID(plaintext.parametersID)
        let coeff = plaintext.poly.inverseNTT()
        let l = plaintext.level
        let doubles = coeff.centeredValues(crt: crt[l], factor: 1.0 / plaintext.scale)
        var result = encoder.slots(coefficients: doubles, slots: plaintext.slots)
        if let bits = roundingBits {
            let unit = Foundation.pow(2.0, Double(bits))
            for i in result.real.indices {
                result.real[i] = (result.real[i] * unit).rounded() / unit
                result.imag[i] = (result.imag[i] * unit).rounded() / unit
            }
        }
        return result
    }

    func resolveSlots(_ slots: Int?, count: Int) throws -> Int {
        let maxSlots = parameters.maxSlots
        if let slots {
            guard slots >= 1 && slots <= maxSlots && slots & (slots - 1) == 0 else {
                throw CKKSError.invalidParameters("slots must be a power of two in 1...\(maxSlots) (got \(slots))")
            }
            guard count <= slots else { throw CKKSError.tooManyValues(given: count, slots: slots) }
            return slots
        }
        guard count <= maxSlots else { throw CKKSError.tooManyValues(given: count, slots: maxSlots) }
        var s = 1
        while s < count { s <<= 1 }
        return s
    }

    /// round(c · scale) for each coefficient, reduced into each of the first `moduliCount`
    /// primes. Values beyond 2^63 are reduced exactly from their binary expansion.
    func integerPolynomial(_ coefficients: [Double], scale: Double, moduliCount: Int) throws -> Poly<Coeff> {
        let n = parameters.n
        var small = [Int64](repeating: 0, count: n)
        var large: [(Int, Double)] = []
        var maxAbs = 0.0
        for i in 0..<n {
            let v = (coefficients[i] * scale).rounded()
            guard v.isFinite else { throw CKKSError.scaleOverflow("a value times the scale is not finite") }
            maxAbs = max(maxAbs, abs(v))
            if abs(v) < 9.2e18 { small[i] = Int64(v) } else { large.append((i, v)) }
        }
        if maxAbs > 0 {
            let logQ = logModulus(level: moduliCount - 1)
            guard log2(maxAbs) < logQ - 1 else {
                throw CKKSError.scaleOverflow(
                    "value·scale ≈ 2^\(Int(log2(maxAbs))) does not fit the modulus at level \(moduliCount - 1) (2^\(Int(logQ)))"
                )
            }
        }
        var poly = Poly<Coeff>(basis: basisQ, moduliCount: moduliCount, signedCoefficients: small)
        if !large.isEmpty {
            for (i, v) in large {
                // v = m · 2^e with m a 53-bit integer.
                let e = v.exponent - 52
                let m = UInt64(abs(v).significandBitPattern | (1 << 52))
                for j in 0..<moduliCount {
                    let q = parameters.q[j]
                    var r = ScalarMod.mul(m % q, ScalarMod.pow(2, UInt64(e), q), q)
                    if v < 0 && r != 0 { r = q - r }
                    poly.data[j * n + i] = r
                }
            }
        }
        return poly
    }
}
