import Testing

@testable import HefRing

/// The branch-free samplers give exactly what the direct (branching) algorithms give for the
/// same stream, and the zeroizing helper zeroizes.
@Suite struct ConstantTimeSamplingTests {
    // The direct algorithms, as they were before the branch-free rewrite: the reference.
    static func referenceTernary(n: Int, stream: inout RandomStream) -> [Int64] {
        var out = [Int64](repeating: 0, count: n)
        var j = 0
        while j < n {
            let w = stream.next32()
            for shift in stride(from: UInt32(0), to: 32, by: 8) where j < n {
                let byte = (w >> shift) & 0xff
                if byte < 255 {
                    out[j] = Int64(byte % 3) - 1
                    j += 1
                }
            }
        }
        return out
    }

    static func referenceSparse(n: Int, h: Int, stream: inout RandomStream) -> [Int64] {
        var positions = Array(0..<n)
        var out = [Int64](repeating: 0, count: n)
        for k in 0..<h {
            let pick = k + Int(stream.next(below: UInt64(n - k)))
            positions.swapAt(k, pick)
            out[positions[k]] = (stream.next32() & 1) == 0 ? 1 : -1
        }
        return out
    }

    static func referenceGaussian(n: Int, stream: inout RandomStream) -> [Int64] {
        var out = [Int64](repeating: 0, count: n)
        for j in 0..<n {
            let u = stream.next64()
            let r = u >> 1
            var magnitude: Int64 = 0
            for t in DiscreteGaussian.cumulative where r >= t { magnitude += 1 }
            out[j] = u & 1 == 1 ? -magnitude : magnitude
        }
        return out
    }

    @Test(arguments: [UInt8(1), 2, 3, 200])
    func sameOutputsAsTheDirectAlgorithms(_ tag: UInt8) {
        let seed = [UInt8](repeating: tag, count: 32)
        var a = RandomStream(seed: seed)
        var b = RandomStream(seed: seed)
        #expect(Sampler.ternary(n: 4096, stream: &a) == Self.referenceTernary(n: 4096, stream: &b))
        #expect(
            Sampler.sparseTernary(n: 1024, hammingWeight: 64, stream: &a)
                == Self.referenceSparse(n: 1024, h: 64, stream: &b))
        #expect(
            Sampler.sparseTernary(n: 64, hammingWeight: 64, stream: &a)
                == Self.referenceSparse(n: 64, h: 64, stream: &b))
        #expect(Sampler.gaussian(n: 20_000, stream: &a) == Self.referenceGaussian(n: 20_000, stream: &b))
        // Still in step afterwards: the same number of words was drawn.
        #expect(a.next64() == b.next64())
    }

    @Test func branchFreeHelpers() {
        for x in UInt64(0)..<255 { #expect(Sampler.mod3(x) == x % 3) }
        let probes: [UInt64] = [0, 1, 2, 63, 1 << 63, UInt64.max, UInt64.max - 1, 0x1234_5678_9abc_def0]
        for a in probes {
            for b in probes { #expect(Sampler.equalMask(a, b) == (a == b ? UInt64.max : 0)) }
        }
    }

    /// Signed reduction (used on secrets and errors), branch-free now, against the definition.
    @Test func reduceSignedMatchesTheDefinition() {
        let q: UInt64 = 0x3fff_ffff_ffe8_0001 // a 62-bit prime
        let modulus = Modulus(q)
        var values: [Int64] = [
            0, 1, -1, 2, -2, Int64.max, Int64.min, Int64.min + 1, Int64(q), -Int64(q), Int64(q) - 1, 1 - Int64(q),
        ]
        var stream = RandomStream(seed: [UInt8](repeating: 9, count: 32))
        for _ in 0..<1000 { values.append(Int64(bitPattern: stream.next64())) }
        var native = [UInt64](repeating: 7, count: values.count)
        var swift = native
        values.withUnsafeBufferPointer { v in
            NativeBackend().reduceSigned(&native, v.baseAddress!, count: v.count, modulus: modulus)
            SwiftBackend().reduceSigned(&swift, v.baseAddress!, count: v.count, modulus: modulus)
        }
        let want = values.map { v -> UInt64 in
            let r = UInt64(v.magnitude % q)
            return v < 0 && r != 0 ? q - r : r
        }
        #expect(native == want)
        #expect(swift == want)
    }

    @Test func secureZeroZeroizes() {
        var bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 1) }
        var words = (0..<100).map { UInt64($0) &* 0x9E37_79B9_7F4A_7C15 | 1 }
        secureZero(&bytes)
        secureZero(&words)
        #expect(bytes.count == 1000 && bytes.allSatisfy { $0 == 0 })
        #expect(words.count == 100 && words.allSatisfy { $0 == 0 })
        // Raw memory about to be released.
        let raw = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 16)
        defer { raw.deallocate() }
        for i in raw.indices { raw[i] = 0xa5 }
        secureZero(raw)
        #expect(raw.allSatisfy { $0 == 0 })
        secureZero(UnsafeMutableRawBufferPointer(start: nil, count: 0)) // no-op, no crash
    }

    @Test func wipingAStreamErasesTheKey() {
        let key = (0..<32).map { UInt8($0 * 7 + 3) }
        let nonce = [UInt8](repeating: 0, count: 12)
        var cipher = ChaCha20(key: key, nonce: nonce)
        cipher.wipe()
        var afterWipe = [UInt32](repeating: 0, count: 16)
        var zeroKey = afterWipe
        afterWipe.withUnsafeMutableBufferPointer { cipher.nextBlocks($0.baseAddress!, blockCount: 1) }
        var zero = ChaCha20(key: [UInt8](repeating: 0, count: 32), nonce: nonce)
        zeroKey.withUnsafeMutableBufferPointer { zero.nextBlocks($0.baseAddress!, blockCount: 1) }
        #expect(afterWipe == zeroKey) // the key words are all zero now
        // A wiped stream is re-keyed from the OS: neither its old continuation nor the zero key.
        var stream = RandomStream(seed: key)
        var copy = stream
        _ = stream.next64()
        _ = copy.next64()
        stream.wipe()
        let next = (0..<4).map { _ in stream.next64() }
        #expect(next != (0..<4).map { _ in copy.next64() })
        var zeroStream = RandomStream(seed: [UInt8](repeating: 0, count: 32))
        #expect(next != (0..<4).map { _ in zeroStream.next64() })
    }

    @Test func polyZeroize() {
        let basis = RNSBasis(moduli: [97], logN: 4, backend: NativeBackend())
        var p = Poly<Coeff>(basis: basis, moduliCount: 1, signedCoefficients: (0..<16).map { Int64($0) - 8 })
        #expect(p.data.contains { $0 != 0 })
        p.zeroize()
        #expect(p.data.count == 16 && p.data.allSatisfy { $0 == 0 })
    }
}
