// Negacyclic NTT for the pure-Swift backend: Harvey lazy butterflies.

enum SwiftNTT {
    /// Cooley–Tukey, natural order in, bit-reversed out. Values stay in [0, 4q) between
    /// stages; the last stage (t = 1) reduces fully.
    @_optimize(size)
    static func forward(_ data: UnsafeMutablePointer<UInt64>, tables: NTTTables) {
        let q = tables.modulus.value
        let twoQ = q &<< 1
        let n = tables.n
        if n == 1 { return }
        tables.rootPowers.withUnsafeBufferPointer { rootBuffer in
            tables.rootPowersShoup.withUnsafeBufferPointer { shoupBuffer in
                let roots = rootBuffer.baseAddress!
                let shoups = shoupBuffer.baseAddress!
                var t = n
                var m = 1
                while m < n / 2 {
                    t &>>= 1
                    var x = data
                    for i in 0..<m {
                        let w = roots[m &+ i]
                        let ws = shoups[m &+ i]
                        let y = x + t
                        // t ≥ 2 here (the t = 1 stage is below): two butterflies per iteration.
                        var j = 0
                        while j < t {
                            let u0 = swiftReduceOnce(x[j], twoQ)
                            let u1 = swiftReduceOnce(x[j &+ 1], twoQ)
                            let v0 = swiftShoupLazy(y[j], w, ws, q)
                            let v1 = swiftShoupLazy(y[j &+ 1], w, ws, q)
                            x[j] = u0 &+ v0
                            x[j &+ 1] = u1 &+ v1
                            y[j] = u0 &- v0 &+ twoQ
                            y[j &+ 1] = u1 &- v1 &+ twoQ
                            j &+= 2
                        }
                        x += 2 &* t
                    }
                    m &<<= 1
                }
                // Last stage: t = 1, m = n/2, with the final reduction into [0, q).
                var x = data
                for i in 0..<m {
                    let w = roots[m &+ i]
                    let ws = shoups[m &+ i]
                    let u = swiftReduceOnce(x[0], twoQ)
                    let v = swiftShoupLazy(x[1], w, ws, q)
                    // u + v and u - v + 2q are in [0, 4q): two conditional subtractions each.
                    x[0] = swiftReduceOnce(swiftReduceOnce(u &+ v, twoQ), q)
                    x[1] = swiftReduceOnce(swiftReduceOnce(u &- v &+ twoQ, twoQ), q)
                    x += 2
                }
            }
        }
    }

    /// Gentleman–Sande, bit-reversed in, natural out, then times n^-1. Values stay in [0, 2q);
    /// the last stage (m = 1) is merged with the scaling by n^-1 and reduces fully.
    @_optimize(size)
    static func inverse(_ data: UnsafeMutablePointer<UInt64>, tables: NTTTables) {
        let q = tables.modulus.value
        let twoQ = q &<< 1
        let n = tables.n
        let inverseN = tables.inverseN
        let inverseNShoup = tables.inverseNShoup
        if n == 1 {
            data[0] = swiftShoup(data[0], inverseN, inverseNShoup, q)
            return
        }
        tables.inverseRootPowers.withUnsafeBufferPointer { rootBuffer in
            tables.inverseRootPowersShoup.withUnsafeBufferPointer { shoupBuffer in
                let roots = rootBuffer.baseAddress!
                let shoups = shoupBuffer.baseAddress!
                var t = 1
                var m = n >> 1
                while m > 1 {
                    var x = data
                    for i in 0..<m {
                        let w = roots[m &+ i]
                        let ws = shoups[m &+ i]
                        let y = x + t
                        for j in 0..<t {
                            let u = x[j]
                            let v = y[j]
                            x[j] = swiftReduceOnce(u &+ v, twoQ)
                            y[j] = swiftShoupLazy(u &- v &+ twoQ, w, ws, q)
                        }
                        x += 2 &* t
                    }
                    t &<<= 1
                    m &>>= 1
                }
                // m = 1, t = n/2: (u + v)·n^-1 and (u − v)·(w·n^-1).
                let wScaled = ScalarMod.mul(roots[1], inverseN, q)
                let wScaledShoup = ScalarMod.shoup(wScaled, q)
                let y = data + t
                for j in 0..<t {
                    let u = data[j]
                    let v = y[j]
                    data[j] = swiftShoup(u &+ v, inverseN, inverseNShoup, q)
                    y[j] = swiftShoup(u &- v &+ twoQ, wScaled, wScaledShoup, q)
                }
            }
        }
    }
}
