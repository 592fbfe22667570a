import HefTestSupport
import Testing

@testable import HefRing

/// The two ring backends, as a test argument: every kernel suite runs on both, on the same
/// inputs, against the same independent references.
enum BackendUnderTest: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case native, swift

    var backend: any RingBackend {
        switch self {
        case .native: return NativeBackend()
        case .swift: return SwiftBackend()
        }
    }

    var testDescription: String { rawValue }

    /// `count` NTT-friendly primes of `bits` bits for ring degree 2^logN, found by this backend.
    func primes(bits: Int, logN: Int, count: Int, excluding: Set<UInt64> = []) -> [UInt64] {
        backend.numberTheory.nttPrimes(bitWidth: bits, logN: logN, count: count, excluding: excluding)
    }

    func prime(bits: Int, logN: Int) -> Modulus { Modulus(primes(bits: bits, logN: logN, count: 1)[0]) }

    /// Distinct primes of the given sizes (each the largest not yet used).
    func distinctPrimes(_ bits: [Int], logN: Int = 4) -> [Modulus] {
        var used = Set<UInt64>()
        return bits.map { b in
            let q = primes(bits: b, logN: logN, count: 1, excluding: used)[0]
            used.insert(q)
            return Modulus(q)
        }
    }
}

enum RingTestData {
    /// Random words in [0, q), with the edge values 0, 1, q-1, ⌊q/2⌋, ⌈q/2⌉ at the front.
    static func vector(_ count: Int, _ q: UInt64, _ rng: inout SplitMix64) -> [UInt64] {
        var v = (0..<count).map { _ in UInt64.random(in: 0..<q, using: &rng) }
        let edges: [UInt64] = [0, q - 1, 1 % q, q - 1, 0, q / 2, (q + 1) / 2 % q]
        for (i, e) in edges.enumerated() where i < count { v[i] = e }
        return v
    }

    /// Copies of `vectors` in freshly allocated memory, for the pointer-array kernels
    /// (dot products); the caller deallocates them.
    static func pointers(_ vectors: [[UInt64]]) -> [UnsafePointer<UInt64>] {
        vectors.map { v in
            let p = UnsafeMutablePointer<UInt64>.allocate(capacity: v.count)
            p.initialize(from: v, count: v.count)
            return UnsafePointer(p)
        }
    }
}

extension SplitMix64 {
    /// Random residues in [0, q), with edge values 0, 1, q-1 sprinkled in.
    mutating func residues(_ count: Int, _ q: UInt64) -> [UInt64] {
        (0..<count).map { i in
            switch i % 13 {
            case 3: return 0
            case 7: return q - 1
            case 11: return 1
            default: return next(below: q)
            }
        }
    }
}
