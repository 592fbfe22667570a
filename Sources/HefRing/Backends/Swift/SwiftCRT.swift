// Exact CRT composition for the pure-Swift backend, on SwiftMultiWord limbs.

enum SwiftCRT {
    /// Composes coefficient `c` into `out` (`limbs` words) in `[0, Q)`:
    /// `x = Σ y_i · Q/q_i − e·Q` with `y_i = [x_i · (Q/q_i)^-1]_{q_i}` and
    /// `e = floor(Σ y_i / q_i)` estimated in floating point, then corrected exactly.
    @inline(__always)
    static func composeOne(
        _ out: UnsafeMutablePointer<UInt64>, _ residues: UnsafePointer<UInt64>, coefficient c: Int, count: Int,
        moduli: UnsafePointer<UInt64>, reciprocals: UnsafePointer<Double>, inverse: UnsafePointer<UInt64>,
        inverseShoup: UnsafePointer<UInt64>, qHat: UnsafePointer<UInt64>, product: UnsafePointer<UInt64>,
        k: Int, limbs: Int
    ) {
        out.update(repeating: 0, count: limbs)
        var fraction: Double = 0
        for i in 0..<k {
            let q = moduli[i]
            let y = swiftShoup(residues[i * count + c], inverse[i], inverseShoup[i], q)
            SwiftMultiWord.multiplyAdd(out, qHat + i * limbs, y, limbs: limbs)
            fraction += Double(y) * reciprocals[i]
        }
        let e = UInt64(fraction) // fraction ≥ 0: truncation is floor
        if e > 0 {
            let borrow = SwiftMultiWord.multiplySubtract(out, product, e, limbs: limbs)
            if borrow != 0 {
                // Overestimated: the value wrapped below zero; add Q back until it carries out.
                while !SwiftMultiWord.add(out, product, limbs: limbs) {}
            }
        }
        while SwiftMultiWord.compare(out, product, limbs: limbs) >= 0 {
            SwiftMultiWord.subtract(out, product, limbs: limbs)
        }
    }

    static func withTables<R>(
        _ tables: CRTTables,
        _ body: (
            UnsafePointer<UInt64>, UnsafePointer<Double>, UnsafePointer<UInt64>, UnsafePointer<UInt64>,
            UnsafePointer<UInt64>, UnsafePointer<UInt64>, UnsafePointer<UInt64>
        ) -> R
    ) -> R {
        let values = tables.moduli.map(\.value)
        let reciprocals = values.map { 1.0 / Double($0) }
        return values.withUnsafeBufferPointer { m in
            reciprocals.withUnsafeBufferPointer { r in
                tables.qHatInverse.withUnsafeBufferPointer { inv in
                    tables.qHatInverseShoup.withUnsafeBufferPointer { invS in
                        tables.qHat.withUnsafeBufferPointer { hat in
                            tables.modulusProduct.withUnsafeBufferPointer { prod in
                                tables.halfProduct.withUnsafeBufferPointer { half in
                                    body(
                                        m.baseAddress!, r.baseAddress!, inv.baseAddress!, invS.baseAddress!,
                                        hat.baseAddress!, prod.baseAddress!, half.baseAddress!)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    static func compose(
        _ output: UnsafeMutablePointer<UInt64>, _ residues: UnsafePointer<UInt64>, tables: CRTTables, count: Int
    ) {
        let k = tables.moduli.count
        let limbs = tables.limbCount
        withTables(tables) { m, r, inv, invS, hat, prod, _ in
            for c in 0..<count {
                composeOne(
                    output + c * limbs, residues, coefficient: c, count: count,
                    moduli: m, reciprocals: r, inverse: inv, inverseShoup: invS,
                    qHat: hat, product: prod, k: k, limbs: limbs)
            }
        }
    }

    static func composeCentered(
        _ output: UnsafeMutablePointer<Double>, _ residues: UnsafePointer<UInt64>, tables: CRTTables, count: Int,
        factor: Double
    ) {
        let k = tables.moduli.count
        let limbs = tables.limbCount
        let q0 = tables.moduli[0].value
        let halfQ0 = q0 >> 1
        let scratch = UnsafeMutablePointer<UInt64>.allocate(capacity: 2 * limbs)
        defer { scratch.deallocate() }
        let magnitude = scratch + limbs
        withTables(tables) { m, r, inv, invS, hat, prod, half in
            tables.moduli.map(\.barrettHigh).withUnsafeBufferPointer { floorsBuffer in
                let floors = floorsBuffer.baseAddress!
                for c in 0..<count {
                    // Fast path: the lift from q_0 alone, if every other residue agrees.
                    let x0 = residues[c]
                    let negative = x0 > halfQ0
                    let lift = negative ? q0 &- x0 : x0 // |lift|
                    var agrees = true
                    var i = 1
                    while i < k {
                        let qi = m[i]
                        let red = swiftBarrett64(lift, qi, floors[i])
                        let expected = (negative && red != 0) ? qi &- red : red
                        if residues[i * count + c] != expected {
                            agrees = false
                            break
                        }
                        i += 1
                    }
                    var value: Double
                    if agrees {
                        value = SwiftMultiWord.truncatedDouble(lift)
                        if negative { value = -value }
                    } else {
                        composeOne(
                            scratch, residues, coefficient: c, count: count,
                            moduli: m, reciprocals: r, inverse: inv, inverseShoup: invS,
                            qHat: hat, product: prod, k: k, limbs: limbs)
                        if SwiftMultiWord.compare(scratch, half, limbs: limbs) > 0 {
                            SwiftMultiWord.difference(magnitude, prod, scratch, limbs: limbs)
                            value = -SwiftMultiWord.truncatedDouble(magnitude, limbs: limbs)
                        } else {
                            value = SwiftMultiWord.truncatedDouble(scratch, limbs: limbs)
                        }
                    }
                    output[c] = value * factor
                }
            }
        }
    }
}
