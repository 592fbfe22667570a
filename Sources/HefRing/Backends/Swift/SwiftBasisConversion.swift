// Fast (HPS-style) RNS basis conversion for the pure-Swift backend.

enum SwiftBasisConversion {
    /// `y_i = [x_i · qHatInverse_i]_{q_i}`, `out_j = Σ_i y_i · qHatModP[j][i] mod p_j`.
    static func convert(
        _ output: UnsafeMutablePointer<UInt64>, _ input: UnsafePointer<UInt64>, tables: BasisConversionTables,
        count: Int
    ) {
        let k = tables.input.count
        let outputCount = tables.output.count
        if count == 0 { return }
        let y = UnsafeMutablePointer<UInt64>.allocate(capacity: k * count)
        defer { y.deallocate() }
        tables.qHatInverse.withUnsafeBufferPointer { inv in
            tables.qHatInverseShoup.withUnsafeBufferPointer { invShoup in
                for i in 0..<k {
                    let q = tables.input[i].value
                    let w = inv[i]
                    let ws = invShoup[i]
                    let src = input + i * count
                    let dst = y + i * count
                    for c in 0..<count {
                        dst[c] = swiftShoup(src[c], w, ws, q)
                    }
                }
            }
        }
        // Lazy 128-bit accumulation over blocks of coefficients; products < 2^124, so 16 of
        // them plus a reduced carry fit in 128 bits.
        let block = 256
        let accHigh = UnsafeMutablePointer<UInt64>.allocate(capacity: block)
        let accLow = UnsafeMutablePointer<UInt64>.allocate(capacity: block)
        defer {
            accHigh.deallocate()
            accLow.deallocate()
        }
        tables.qHatModP.withUnsafeBufferPointer { tableBuffer in
            let table = tableBuffer.baseAddress!
            for j in 0..<outputCount {
                let p = tables.output[j]
                let pv = p.value
                let rh = p.barrettHigh
                let rl = p.barrettLow
                let row = table + j * k
                let out = output + j * count
                var start = 0
                while start < count {
                    let len = min(block, count - start)
                    accHigh.update(repeating: 0, count: len)
                    accLow.update(repeating: 0, count: len)
                    var pending = 0
                    for i in 0..<k {
                        let w = row[i]
                        let src = y + i * count + start
                        for c in 0..<len {
                            let prod = src[c].multipliedFullWidth(by: w)
                            let (l, carry) = accLow[c].addingReportingOverflow(prod.low)
                            accLow[c] = l
                            accHigh[c] = accHigh[c] &+ prod.high &+ (carry ? 1 : 0)
                        }
                        pending += 1
                        if pending == 16 && i != k - 1 {
                            for c in 0..<len {
                                accLow[c] = swiftBarrett128(accHigh[c], accLow[c], pv, rh, rl)
                                accHigh[c] = 0
                            }
                            pending = 0
                        }
                    }
                    for c in 0..<len {
                        out[start + c] = swiftBarrett128(accHigh[c], accLow[c], pv, rh, rl)
                    }
                    start += len
                }
            }
        }
    }
}
