import Testing
@testable import HefRing
import HefTestSupport

@Suite struct SwiftBackendNumberTheoryTests {
    let backend = SwiftBackend()

    @Test func isPrimeMatchesTrialDivision() {
        for n in UInt64(0)..<20_000 {
            #expect(backend.numberTheory.isPrime(n) == Reference.isPrimeByTrialDivision(n), "n = \(n)")
        }
    }

    @Test func isPrimeKnownLargeValues() {
        #expect(backend.numberTheory.isPrime((1 << 61) - 1))
        #expect(backend.numberTheory.isPrime(18_446_744_073_709_551_557))  // largest 64-bit prime
        #expect(!backend.numberTheory.isPrime(3_825_123_056_546_413_051)) // strong pseudoprime to bases 2..23
        #expect(!backend.numberTheory.isPrime(3_215_031_751))             // strong pseudoprime to 2, 3, 5, 7
        #expect(!backend.numberTheory.isPrime(UInt64.max))
        #expect(!backend.numberTheory.isPrime(((1 << 31) - 1) * ((1 << 31) - 1)))
    }

    @Test func nttPrimesKnownValues() {
        // Checked independently with coreutils `factor`: 2^60 - 2^14 + 1 is prime, and
        // 2^60 - 2^15 + 1, 2^60 - 2·2^15 + 1 are composite.
        #expect(backend.numberTheory.nttPrimes(bitWidth: 60, logN: 13, count: 2, excluding: [])
                == [1_152_921_504_606_830_593, 1_152_921_504_606_748_673])
        #expect(backend.numberTheory.nttPrimes(bitWidth: 60, logN: 14, count: 1, excluding: []) == [1_152_921_504_606_748_673])
        #expect(backend.numberTheory.nttPrimes(bitWidth: 40, logN: 14, count: 1, excluding: []) == [1_099_510_054_913])
        #expect(backend.numberTheory.nttPrimes(bitWidth: 30, logN: 10, count: 3, excluding: []) == [1_073_707_009, 1_073_698_817, 1_073_692_673])
        #expect(backend.numberTheory.nttPrimes(bitWidth: 60, logN: 13, count: 1, excluding: [1_152_921_504_606_830_593])
                == [1_152_921_504_606_748_673])
        // Not enough primes above 2^(bitWidth-1).
        #expect(backend.numberTheory.nttPrimes(bitWidth: 12, logN: 10, count: 5, excluding: []).isEmpty)
        #expect(backend.numberTheory.nttPrimes(bitWidth: 10, logN: 10, count: 1, excluding: []).isEmpty)
    }

    @Test(arguments: [(30, 10), (40, 12), (50, 13), (60, 14), (61, 15), (62, 16)])
    func nttPrimesProperties(bitWidth: Int, logN: Int) {
        let step = UInt64(1) << UInt64(logN + 1)
        let primes = backend.numberTheory.nttPrimes(bitWidth: bitWidth, logN: logN, count: 6, excluding: [])
        #expect(primes.count == 6)
        for (i, p) in primes.enumerated() {
            #expect(p % step == 1)
            #expect(p < (UInt64(1) << UInt64(bitWidth)) && p > (UInt64(1) << UInt64(bitWidth - 1)))
            #expect(backend.numberTheory.isPrime(p))
            if i > 0 { #expect(p < primes[i - 1]) }
        }
        // Nothing skipped: no other candidate between consecutive primes (or above the first) is prime.
        var c = ((UInt64(1) << UInt64(bitWidth)) - 2) / step * step + 1
        var expected: [UInt64] = []
        while expected.count < 6 {
            if backend.numberTheory.isPrime(c) { expected.append(c) }
            c -= step
        }
        #expect(primes == expected)
    }

    @Test(arguments: [(30, 8), (40, 10), (50, 11), (60, 13), (61, 12)])
    func psiIsPrimitiveAndMinimal(bitWidth: Int, logN: Int) {
        let q = backend.numberTheory.nttPrimes(bitWidth: bitWidth, logN: logN, count: 1, excluding: [])[0]
        let tables = backend.numberTheory.makeNTTTables(modulus: Modulus(q), logN: logN)
        let n = UInt64(1) << UInt64(logN)
        let psi = tables.psi
        #expect(ScalarMod.pow(psi, n, q) == q - 1)
        // Every primitive 2n-th root is psi^k for odd k; none is smaller.
        let square = ScalarMod.mul(psi, psi, q)
        var x = psi
        for _ in 0..<Int(n) {
            #expect(x >= psi)
            #expect(ScalarMod.pow(x, n, q) == q - 1)
            x = ScalarMod.mul(x, square, q)
        }
    }

    @Test func tableLayout() {
        let logN = 9, n = 1 << 9
        let q = backend.numberTheory.nttPrimes(bitWidth: 55, logN: logN, count: 1, excluding: [])[0]
        let t = backend.numberTheory.makeNTTTables(modulus: Modulus(q), logN: logN)
        for i in 0..<n {
            #expect(t.rootPowers[i] == ScalarMod.pow(t.psi, UInt64(bitReverse(i, bits: logN)), q))
            #expect(ScalarMod.mul(t.rootPowers[i], t.inverseRootPowers[i], q) == 1)
            #expect(t.rootPowersShoup[i] == ScalarMod.shoup(t.rootPowers[i], q))
            #expect(t.inverseRootPowersShoup[i] == ScalarMod.shoup(t.inverseRootPowers[i], q))
        }
        #expect(ScalarMod.mul(t.inverseN, UInt64(n), q) == 1)
        #expect(t.inverseNShoup == ScalarMod.shoup(t.inverseN, q))
    }
}

@Suite struct SwiftBackendNTTTests {
    let backend = SwiftBackend()

    /// Slot i of the forward NTT is a(psi^(2·bitrev(i)+1)), by direct evaluation.
    @Test(arguments: [1, 2, 3, 5, 6])
    func forwardIsEvaluationInBitReversedOrder(logN: Int) {
        let n = 1 << logN
        for bits in [30, 62] {
            let q = backend.numberTheory.nttPrimes(bitWidth: bits, logN: logN, count: 1, excluding: [])[0]
            let tables = backend.numberTheory.makeNTTTables(modulus: Modulus(q), logN: logN)
            var rng = SplitMix64(seed: UInt64(logN * 100 + bits))
            let a = rng.residues(n, q)
            var f = a
            f.withUnsafeMutableBufferPointer { backend.forwardNTT($0.baseAddress!, tables: tables) }
            for i in 0..<n {
                let point = ScalarMod.pow(tables.psi, UInt64(2 * bitReverse(i, bits: logN) + 1), q)
                var value: UInt64 = 0
                for c in a.reversed() { value = ScalarMod.add(ScalarMod.mul(value, point, q), c, q) }
                #expect(f[i] == value)
            }
        }
    }

    @Test(arguments: [30, 36, 45, 50, 55, 60, 61, 62])
    func roundTripAndNegacyclicProduct(bits: Int) {
        for logN in 8...10 {
            let n = 1 << logN
            let q = backend.numberTheory.nttPrimes(bitWidth: bits, logN: logN, count: 1, excluding: [])[0]
            let modulus = Modulus(q)
            let tables = backend.numberTheory.makeNTTTables(modulus: modulus, logN: logN)
            var rng = SplitMix64(seed: UInt64(bits * 31 + logN))
            let a = rng.residues(n, q)
            let b = rng.residues(n, q)
            var fa = a, fb = b
            fa.withUnsafeMutableBufferPointer { backend.forwardNTT($0.baseAddress!, tables: tables) }
            fb.withUnsafeMutableBufferPointer { backend.forwardNTT($0.baseAddress!, tables: tables) }
            #expect(fa.allSatisfy { $0 < q })
            var back = fa
            back.withUnsafeMutableBufferPointer { backend.inverseNTT($0.baseAddress!, tables: tables) }
            #expect(back == a)
            var prod = [UInt64](repeating: 0, count: n)
            prod.withUnsafeMutableBufferPointer { backend.multiply($0.baseAddress!, fa, fb, count: n, modulus: modulus) }
            prod.withUnsafeMutableBufferPointer { backend.inverseNTT($0.baseAddress!, tables: tables) }
            #expect(prod == Reference.negacyclicProduct(a, b, q))
        }
    }

    @Test func allMaximalInputs() {
        let logN = 12, n = 1 << logN
        let q = backend.numberTheory.nttPrimes(bitWidth: 62, logN: logN, count: 1, excluding: [])[0]
        let tables = backend.numberTheory.makeNTTTables(modulus: Modulus(q), logN: logN)
        var a = [UInt64](repeating: q - 1, count: n)
        a.withUnsafeMutableBufferPointer { backend.forwardNTT($0.baseAddress!, tables: tables) }
        #expect(a.allSatisfy { $0 < q })
        a.withUnsafeMutableBufferPointer { backend.inverseNTT($0.baseAddress!, tables: tables) }
        #expect(a == [UInt64](repeating: q - 1, count: n))
    }
}

@Suite struct SwiftBackendVectorTests {
    let backend = SwiftBackend()
    static let bitSizes = [20, 30, 40, 50, 59, 60, 61, 62]

    func modulus(_ bits: Int) -> Modulus {
        Modulus(backend.numberTheory.nttPrimes(bitWidth: bits, logN: 3, count: 1, excluding: [])[0])
    }

    @Test(arguments: bitSizes)
    func elementwiseOperations(bits: Int) {
        let m = modulus(bits), q = m.value, n = 1000
        var rng = SplitMix64(seed: UInt64(bits))
        let a = rng.residues(n, q)
        var b = rng.residues(n, q)
        b[0] = q - 1; b[1] = 0; b[2] = q - 1
        let acc = rng.residues(n, q)
        var r = [UInt64](repeating: 0, count: n)
        func run(_ body: (UnsafeMutablePointer<UInt64>) -> Void) -> [UInt64] {
            var out = acc
            out.withUnsafeMutableBufferPointer { body($0.baseAddress!) }
            return out
        }
        r = run { backend.add($0, a, b, count: n, modulus: m) }
        #expect(r == (0..<n).map { ScalarMod.add(a[$0], b[$0], q) })
        r = run { backend.subtract($0, a, b, count: n, modulus: m) }
        #expect(r == (0..<n).map { ScalarMod.sub(a[$0], b[$0], q) })
        r = run { backend.negate($0, a, count: n, modulus: m) }
        #expect(r == (0..<n).map { ScalarMod.sub(0, a[$0], q) })
        r = run { backend.multiply($0, a, b, count: n, modulus: m) }
        #expect(r == (0..<n).map { ScalarMod.mul(a[$0], b[$0], q) })
        r = run { backend.multiplyAdd($0, a, b, count: n, modulus: m) }
        #expect(r == (0..<n).map { ScalarMod.add(acc[$0], ScalarMod.mul(a[$0], b[$0], q), q) })
        for scalar in [0, 1, q - 1, rng.next(below: q)] {
            r = run { backend.multiplyScalar($0, a, scalar: scalar, count: n, modulus: m) }
            #expect(r == (0..<n).map { ScalarMod.mul(a[$0], scalar, q) })
            r = run { backend.multiplyScalarAdd($0, a, scalar: scalar, count: n, modulus: m) }
            #expect(r == (0..<n).map { ScalarMod.add(acc[$0], ScalarMod.mul(a[$0], scalar, q), q) })
            r = run { backend.addScalar($0, a, scalar: scalar, count: n, modulus: m) }
            #expect(r == (0..<n).map { ScalarMod.add(a[$0], scalar, q) })
        }
        // In-place (result aliases an input).
        var inPlace = a
        inPlace.withUnsafeMutableBufferPointer { backend.multiply($0.baseAddress!, $0.baseAddress!, b, count: n, modulus: m) }
        #expect(inPlace == (0..<n).map { ScalarMod.mul(a[$0], b[$0], q) })
        // Multiply the worst case (q-1)^2.
        let worst = [UInt64](repeating: q - 1, count: 8)
        r = [UInt64](repeating: 0, count: 8)
        r.withUnsafeMutableBufferPointer { backend.multiply($0.baseAddress!, worst, worst, count: 8, modulus: m) }
        #expect(r == [UInt64](repeating: 1, count: 8))
    }

    @Test(arguments: bitSizes)
    func reduceArbitraryWords(bits: Int) {
        let m = modulus(bits), q = m.value
        var rng = SplitMix64(seed: UInt64(bits) + 7)
        var words = (0..<1000).map { _ in rng.next() }
        words += [0, 1, q - 1, q, q + 1, 2 * q, 2 * q - 1, UInt64.max, UInt64.max - 1, 1 << 63]
        var r = [UInt64](repeating: 0, count: words.count)
        r.withUnsafeMutableBufferPointer { backend.reduce($0.baseAddress!, words, count: words.count, modulus: m) }
        #expect(r == words.map { $0 % q })
        var signed = words.map { Int64(bitPattern: $0) }
        signed += [Int64.min, Int64.max, -1, 0, 1, -Int64(q), Int64(q), -Int64(q) + 1, -Int64(q) - 1]
        r = [UInt64](repeating: 0, count: signed.count)
        r.withUnsafeMutableBufferPointer { backend.reduceSigned($0.baseAddress!, signed, count: signed.count, modulus: m) }
        #expect(r == signed.map { ScalarMod.reduce(signed: $0, q) })
    }

    @Test(arguments: bitSizes)
    func dotProduct(bits: Int) {
        let m = modulus(bits), q = m.value, n = 97
        var rng = SplitMix64(seed: UInt64(bits) + 99)
        for terms in [0, 1, 2, 5, 15, 16, 17, 31, 32, 33, 64] {
            var av: [[UInt64]] = (0..<terms).map { _ in rng.residues(n, q) }
            var bv: [[UInt64]] = (0..<terms).map { _ in rng.residues(n, q) }
            // The last coefficient is the worst case: every product (q-1)^2.
            for t in 0..<terms { av[t][n - 1] = q - 1; bv[t][n - 1] = q - 1 }
            var expected = [UInt64](repeating: 0, count: n)
            for t in 0..<terms {
                for c in 0..<n { expected[c] = ScalarMod.add(expected[c], ScalarMod.mul(av[t][c], bv[t][c], q), q) }
            }
            let ap = av.map { v -> UnsafePointer<UInt64> in
                let p = UnsafeMutablePointer<UInt64>.allocate(capacity: n); p.initialize(from: v, count: n); return UnsafePointer(p)
            }
            let bp = bv.map { v -> UnsafePointer<UInt64> in
                let p = UnsafeMutablePointer<UInt64>.allocate(capacity: n); p.initialize(from: v, count: n); return UnsafePointer(p)
            }
            defer { (ap + bp).forEach { UnsafeMutablePointer(mutating: $0).deallocate() } }
            var r = [UInt64](repeating: 12345, count: n)
            r.withUnsafeMutableBufferPointer { backend.dotProduct($0.baseAddress!, ap, bp, terms: terms, count: n, modulus: m) }
            #expect(r == expected, "terms = \(terms)")
        }
    }
}
