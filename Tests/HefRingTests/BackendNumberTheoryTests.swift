import HefTestSupport
import NTLReference
import Testing

@testable import HefRing

/// Prime search and NTT tables, on both backends, against NTL and trial division.
@Suite struct BackendNumberTheoryTests {
    static let backends = BackendUnderTest.allCases

    @Test(arguments: backends)
    func isPrimeMatchesTrialDivision(_ b: BackendUnderTest) {
        let backend = b.backend
        for n in UInt64(0)..<20_000 {
            #expect(backend.numberTheory.isPrime(n) == Reference.isPrimeByTrialDivision(n), "n = \(n)")
        }
    }

    @Test(arguments: backends)
    func isPrimeAgreesWithNTL(_ b: BackendUnderTest) {
        let backend = b.backend
        var rng = SplitMix64(seed: 11)
        var values: [UInt64] = [
            UInt64.max, UInt64.max - 58, (1 << 61) - 1, (1 << 62) - 57, 18_446_744_073_709_551_557,
            3_215_031_751, // strong pseudoprime to 2, 3, 5, 7
            3_825_123_056_546_413_051, // strong pseudoprime to bases 2..23
            4_759_123_141, 1_122_004_669_633, ((1 << 31) - 1) * ((1 << 31) - 1),
        ]
        for _ in 0..<2000 { values.append(rng.next() >> UInt64.random(in: 0..<60, using: &rng)) }
        for v in values { #expect(backend.numberTheory.isPrime(v) == (ntl_is_prime(v) == 1), "\(v)") }
    }

    @Test(arguments: backends)
    func nttPrimesKnownValues(_ b: BackendUnderTest) {
        // Checked independently with coreutils `factor`: 2^60 - 2^14 + 1 is prime, and
        // 2^60 - 2^15 + 1, 2^60 - 2·2^15 + 1 are composite.
        #expect(b.primes(bits: 60, logN: 13, count: 2) == [1_152_921_504_606_830_593, 1_152_921_504_606_748_673])
        #expect(b.primes(bits: 60, logN: 14, count: 1) == [1_152_921_504_606_748_673])
        #expect(b.primes(bits: 40, logN: 14, count: 1) == [1_099_510_054_913])
        #expect(b.primes(bits: 30, logN: 10, count: 3) == [1_073_707_009, 1_073_698_817, 1_073_692_673])
        #expect(
            b.primes(bits: 60, logN: 13, count: 1, excluding: [1_152_921_504_606_830_593]) == [
                1_152_921_504_606_748_673
            ])
        // Not enough primes above 2^(bitWidth-1).
        #expect(b.primes(bits: 12, logN: 10, count: 5).isEmpty)
        #expect(b.primes(bits: 10, logN: 10, count: 1).isEmpty)
        #expect(b.primes(bits: 16, logN: 13, count: 50).isEmpty)
        #expect(b.primes(bits: 14, logN: 13, count: 1).isEmpty)
    }

    @Test(arguments: backends, [(30, 10), (40, 12), (50, 13), (60, 13), (61, 15), (62, 16), (45, 15)])
    func nttPrimesAreTheLargestOnes(_ b: BackendUnderTest, size: (bits: Int, logN: Int)) {
        let (bits, logN) = size
        let count = 5
        let primes = b.primes(bits: bits, logN: logN, count: count)
        #expect(primes.count == count)
        let twoN = UInt64(2) << UInt64(logN)
        for (i, q) in primes.enumerated() {
            #expect(q % twoN == 1)
            #expect(q < (1 << UInt64(bits)) && q > (1 << UInt64(bits - 1)))
            #expect(ntl_is_prime(q) == 1)
            if i > 0 { #expect(q < primes[i - 1]) }
        }
        // Nothing skipped: every candidate above the last prime that is not listed is composite.
        var c = (UInt64(1) << UInt64(bits)) - twoN + 1
        while c > primes.last! {
            if !primes.contains(c) { #expect(ntl_is_prime(c) == 0, "missed prime \(c)") }
            c -= twoN
        }
        // Exclusion skips exactly the excluded ones.
        let rest = b.primes(bits: bits, logN: logN, count: count - 2, excluding: Set(primes.prefix(2)))
        #expect(rest == Array(primes.dropFirst(2)))
    }

    @Test(arguments: backends, [(30, 10), (60, 13), (62, 12), (40, 4), (35, 1), (55, 9)])
    func nttTablesFromMinimalRoot(_ b: BackendUnderTest, size: (bits: Int, logN: Int)) {
        let (bits, logN) = size
        let q = b.prime(bits: bits, logN: logN)
        let t = b.backend.numberTheory.makeNTTTables(modulus: q, logN: logN)
        let n = 1 << logN
        let psi = t.psi
        // Primitive 2n-th root: psi^n = -1 (2n is a power of two).
        #expect(ScalarMod.pow(psi, UInt64(n), q.value) == q.value - 1)
        // Minimal among the primitive ones psi^k, k odd.
        if logN <= 12 {
            let square = ScalarMod.mul(psi, psi, q.value)
            var x = psi
            for _ in 0..<n {
                #expect(x >= psi)
                x = ScalarMod.mul(x, square, q.value)
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

    /// Both backends build the same tables (so they compute the same words).
    @Test(arguments: [(30, 10), (50, 13), (61, 14)])
    func backendsBuildIdenticalTables(bits: Int, logN: Int) {
        let q = BackendUnderTest.native.prime(bits: bits, logN: logN)
        let native = NativeBackend().numberTheory.makeNTTTables(modulus: q, logN: logN)
        let swift = SwiftBackend().numberTheory.makeNTTTables(modulus: q, logN: logN)
        #expect(native.psi == swift.psi)
        #expect(native.rootPowers == swift.rootPowers)
        #expect(native.inverseRootPowers == swift.inverseRootPowers)
        #expect(native.inverseN == swift.inverseN)
    }
}
