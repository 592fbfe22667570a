import CShims
import HefTestSupport
import Testing

@testable import HefRing

/// Every SIMD path of the C kernels (AVX2; AVX-512 with 64-bit Shoup products; 52-bit IFMA
/// products for q < 2^50) must produce exactly the words of the scalar kernel: the NTT both ways,
/// and the vectorised pointwise products (hef_mul, hef_mul_add with AVX2 + FMA for q < 2^50;
/// the Shoup scalar products). Paths the CPU lacks are skipped (their entry points fall back to
/// a lower path anyway).
@Suite struct NativeNTTDispatchTests {
    let backend = NativeBackend()

    static let logNs = Array(1...16)
    static let bitSizes = [30, 36, 40, 45, 49, 50, 51, 55, 60, 61, 62]

    typealias Forward = (UnsafeMutablePointer<UInt64>?, Int, UInt64, UnsafePointer<UInt64>?, UnsafePointer<UInt64>?) ->
        Void
    typealias Inverse = (
        UnsafeMutablePointer<UInt64>?, Int, UInt64, UnsafePointer<UInt64>?, UnsafePointer<UInt64>?, UInt64, UInt64
    ) -> Void

    static func forward(_ f: Forward, _ a: [UInt64], _ t: NTTTables) -> [UInt64] {
        var r = a
        t.rootPowers.withUnsafeBufferPointer { w in
            t.rootPowersShoup.withUnsafeBufferPointer { ws in
                r.withUnsafeMutableBufferPointer {
                    f($0.baseAddress, t.logN, t.modulus.value, w.baseAddress, ws.baseAddress)
                }
            }
        }
        return r
    }

    static func inverse(_ f: Inverse, _ a: [UInt64], _ t: NTTTables) -> [UInt64] {
        var r = a
        t.inverseRootPowers.withUnsafeBufferPointer { w in
            t.inverseRootPowersShoup.withUnsafeBufferPointer { ws in
                r.withUnsafeMutableBufferPointer {
                    f(
                        $0.baseAddress, t.logN, t.modulus.value, w.baseAddress, ws.baseAddress, t.inverseN,
                        t.inverseNShoup)
                }
            }
        }
        return r
    }

    @Test(arguments: logNs)
    func vectorKernelsMatchScalar(logN: Int) {
        let kernels: [(String, Forward, Inverse, Bool)] = [
            ("avx2", hef_ntt_forward_avx2, hef_ntt_inverse_avx2, hef_cpu_has_avx2() != 0),
            ("avx512", hef_ntt_forward_avx512, hef_ntt_inverse_avx512, hef_cpu_has_avx512() != 0),
            ("avx512ifma", hef_ntt_forward_avx512ifma, hef_ntt_inverse_avx512ifma, hef_cpu_has_avx512ifma() != 0),
            ("dispatch", hef_ntt_forward, hef_ntt_inverse, true),
        ]
        for bits in Self.bitSizes {
            let q = BackendUnderTest.native.prime(bits: bits, logN: logN)
            let tables = backend.numberTheory.makeNTTTables(modulus: q, logN: logN)
            let n = 1 << logN
            var rng = SplitMix64(seed: UInt64(bits * 1000 + logN))
            // Random words (with edge values), all q − 1, and all 0 / q − 1 alternating.
            let inputs: [[UInt64]] = [
                RingTestData.vector(n, q.value, &rng),
                RingTestData.vector(n, q.value, &rng),
                [UInt64](repeating: q.value - 1, count: n),
                (0..<n).map { $0 % 2 == 0 ? 0 : q.value - 1 },
            ]
            for a in inputs {
                let fs = Self.forward(hef_ntt_forward_scalar, a, tables)
                let ins = Self.inverse(hef_ntt_inverse_scalar, a, tables)
                #expect(
                    Self.inverse(hef_ntt_inverse_scalar, fs, tables) == a,
                    "scalar round trip, \(bits) bits, logN \(logN)")
                for (name, f, i, available) in kernels where available {
                    let fv = Self.forward(f, a, tables)
                    #expect(fv == fs, "\(name) forward, \(bits) bits, logN \(logN)")
                    #expect(Self.inverse(i, a, tables) == ins, "\(name) inverse, \(bits) bits, logN \(logN)")
                    #expect(Self.inverse(i, fv, tables) == a, "\(name) round trip, \(bits) bits, logN \(logN)")
                }
            }
        }
    }

    /// Paths 1...3 (avx2, avx512, ifma) of the C hooks, where the CPU has them.
    static var vectorPaths: [(Int32, String)] {
        [(1, "avx2", hef_cpu_has_avx2()), (2, "avx512", hef_cpu_has_avx512()), (3, "ifma", hef_cpu_has_avx512ifma())]
            .filter { $0.2 != 0 }.map { ($0.0, $0.1) }
    }

    @Test(arguments: [1, 2, 3, 5, 8, 13])
    func pointwiseKernelsMatchScalar(logN: Int) {
        for bits in Self.bitSizes {
            let q = BackendUnderTest.native.prime(bits: bits, logN: logN)
            let n = (1 << logN) + 3 // not a multiple of any vector width
            var rng = SplitMix64(seed: UInt64(bits * 7919 + logN))
            let inputs: [([UInt64], [UInt64])] = [
                (RingTestData.vector(n, q.value, &rng), RingTestData.vector(n, q.value, &rng)),
                ([UInt64](repeating: q.value - 1, count: n), (0..<n).map { q.value - 1 - UInt64($0 % 3) }),
            ]
            let scalar = RingTestData.vector(1, q.value, &rng)[0]
            for (a, b) in inputs {
                let acc = RingTestData.vector(n, q.value, &rng)
                func run(_ path: Int32) -> [[UInt64]] {
                    var mul = [UInt64](repeating: 0, count: n)
                    var mulAdd = acc
                    var mulScalar = [UInt64](repeating: 0, count: n)
                    var mulScalarAdd = acc
                    hef_mul_on_path(path, &mul, a, b, n, q.value, q.barrettHigh, q.barrettLow)
                    hef_mul_add_on_path(path, &mulAdd, a, b, n, q.value, q.barrettHigh, q.barrettLow)
                    hef_mul_scalar_on_path(path, &mulScalar, a, scalar, n, q.value)
                    hef_mul_scalar_add_on_path(path, &mulScalarAdd, a, scalar, n, q.value)
                    return [mul, mulAdd, mulScalar, mulScalarAdd]
                }
                let expected = run(0)
                #expect(expected[0] == zip(a, b).map { ScalarMod.mul($0, $1, q.value) }, "scalar mul, \(bits) bits")
                for (path, name) in Self.vectorPaths {
                    let got = run(path)
                    for (k, kernel) in ["mul", "mul_add", "mul_scalar", "mul_scalar_add"].enumerated() {
                        #expect(got[k] == expected[k], "\(name) \(kernel), \(bits) bits, logN \(logN)")
                    }
                }
            }
        }
    }

    @Test func cpuQueriesAreConsistent() {
        if hef_cpu_has_avx512ifma() != 0 { #expect(hef_cpu_has_avx512() != 0) }
        if hef_cpu_has_avx512() != 0 { #expect(hef_cpu_has_avx2() != 0) }
        let path = String(cString: hef_simd_path())
        #expect(["scalar", "avx2", "avx512", "ifma"].contains(path), "hef_simd_path() = \(path)")
    }
}
