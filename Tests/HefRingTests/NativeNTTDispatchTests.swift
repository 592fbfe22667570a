import CShims
import HefTestSupport
import Testing

@testable import HefRing

/// The AVX-512 NTT kernels (64-bit Shoup products, and 52-bit IFMA products for q < 2^50)
/// must produce exactly the words of the scalar kernel. The AVX-512 parts are skipped on CPUs
/// without AVX-512 (the entry points then fall back to scalar anyway).
@Suite struct NativeNTTDispatchTests {
    let backend = NativeBackend()

    static let logNs = [1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 13, 14]
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

    @Test func cpuQueriesAreConsistent() {
        if hef_cpu_has_avx512ifma() != 0 { #expect(hef_cpu_has_avx512() != 0) }
    }
}
