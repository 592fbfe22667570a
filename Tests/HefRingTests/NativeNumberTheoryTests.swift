import Testing
import NTLReference
@testable import HefRing
import HefTestSupport

@Suite struct NativeNumberTheoryTests {
    let backend = NativeBackend()

    @Test(arguments: [(30, 10), (40, 12), (50, 13), (60, 13), (61, 13), (62, 16), (45, 15)])
    func nttPrimesAreTheLargestOnes(bits: Int, logN: Int) {
        let count = 5
        let primes = backend.numberTheory.nttPrimes(bitWidth: bits, logN: logN, count: count, excluding: [])
        #expect(primes.count == count)
        let twoN = UInt64(2) << UInt64(logN)
        for (i, q) in primes.enumerated() {
            #expect(q % twoN == 1)
            #expect(q < (1 << UInt64(bits)) && q > (1 << UInt64(bits - 1)))
            #expect(ntl_is_prime(q) == 1)
            #expect(backend.numberTheory.isPrime(q))
            if i > 0 { #expect(q < primes[i - 1]) }
        }
        // Nothing skipped: every candidate above the last prime that is not listed is composite.
        var c = (UInt64(1) << UInt64(bits)) - twoN + 1
        while c > primes.last! {
            if !primes.contains(c) { #expect(ntl_is_prime(c) == 0, "missed prime \(c)") }
            c -= twoN
        }
        // Exclusion skips exactly the excluded ones.
        let rest = backend.numberTheory.nttPrimes(bitWidth: bits, logN: logN, count: count - 2, excluding: Set(primes.prefix(2)))
        #expect(rest == Array(primes.dropFirst(2)))
    }

    @Test func nttPrimesEmptyWhenTooFew() {
        #expect(backend.numberTheory.nttPrimes(bitWidth: 16, logN: 13, count: 50, excluding: []).isEmpty)
        #expect(backend.numberTheory.nttPrimes(bitWidth: 14, logN: 13, count: 1, excluding: []).isEmpty)
    }

    @Test func isPrimeAgreesWithNTL() {
        var rng = NativeTestRNG(seed: 11)
        var values: [UInt64] = Array(0...200) + [UInt64.max, UInt64.max - 58, (1 << 61) - 1, (1 << 62) - 57,
                                                  3_215_031_751, 4_759_123_141, 1_122_004_669_633]
        for _ in 0..<2000 { values.append(rng.next() >> UInt64.random(in: 0..<60, using: &rng)) }
        for v in values { #expect(backend.numberTheory.isPrime(v) == (ntl_is_prime(v) == 1), "\(v)") }
    }

    @Test(arguments: [(30, 10), (60, 13), (62, 12), (40, 4), (35, 1)])
    func nttTablesFromMinimalRoot(bits: Int, logN: Int) {
        let q = NativeTestData.prime(bits: bits, logN: logN)
        let t = backend.numberTheory.makeNTTTables(modulus: q, logN: logN)
        let n = 1 << logN
        let psi = t.psi
        // Primitive 2n-th root: psi^n = -1 (2n is a power of two).
        #expect(ScalarMod.pow(psi, UInt64(n), q.value) == q.value - 1)
        // Minimal among the primitive ones psi^k, k odd.
        if logN <= 12 {
            let sq = ScalarMod.mul(psi, psi, q.value)
            var cur = psi
            for _ in 0..<n {
                #expect(cur >= psi)
                cur = ScalarMod.mul(cur, sq, q.value)
            }
        }
        for i in Swift.stride(from: 0, to: n, by: max(1, n / 512)) {
            let w = ScalarMod.pow(psi, UInt64(bitReverse(i, bits: logN)), q.value)
            #expect(t.rootPowers[i] == w)
            #expect(t.rootPowersShoup[i] == ScalarMod.shoup(w, q.value))
            #expect(ScalarMod.mul(t.inverseRootPowers[i], w, q.value) == 1)
            #expect(t.inverseRootPowersShoup[i] == ScalarMod.shoup(t.inverseRootPowers[i], q.value))
        }
        #expect(ScalarMod.mul(t.inverseN, UInt64(n) % q.value, q.value) == 1)
        #expect(t.inverseNShoup == ScalarMod.shoup(t.inverseN, q.value))
    }
}
