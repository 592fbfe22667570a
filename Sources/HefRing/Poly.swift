/// Marker for the representation of a polynomial.
public protocol PolyFormat: Sendable {}
/// Coefficient representation.
public enum Coeff: PolyFormat {}
/// Evaluation (NTT) representation: pointwise products are ring products.
public enum Eval: PolyFormat {}

/// A polynomial of `Z_Q[X]/(X^n + 1)` in RNS form over the first `moduliCount` primes of
/// `basis`: residue `i` occupies `data[i*n ..< (i+1)*n]`. `Format` keeps coefficient and
/// evaluation form apart in the type system.
public struct Poly<Format: PolyFormat>: Sendable {
    /// The RNS basis the residues belong to.
    public let basis: RNSBasis
    /// Number of residues held: the first `moduliCount` primes of `basis`.
    public private(set) var moduliCount: Int
    /// The residues, `moduliCount` vectors of `n` words one after the other.
    public var data: [UInt64]

    /// The ring degree.
    public var n: Int { basis.n }
    /// The backend of `basis`.
    public var backend: any RingBackend { basis.backend }

    /// The zero polynomial on the first `moduliCount` primes.
    public init(zeroOn basis: RNSBasis, moduliCount: Int) {
        precondition(moduliCount >= 1 && moduliCount <= basis.count)
        self.basis = basis
        self.moduliCount = moduliCount
        self.data = [UInt64](repeating: 0, count: moduliCount * basis.n)
    }

    /// A polynomial over existing residues (`data.count == moduliCount · n`, every word below its prime).
    public init(basis: RNSBasis, moduliCount: Int, data: [UInt64]) {
        precondition(moduliCount >= 1 && moduliCount <= basis.count)
        precondition(data.count == moduliCount * basis.n)
        self.basis = basis
        self.moduliCount = moduliCount
        self.data = data
    }

    /// Keeps only the first `count` residues.
    public mutating func truncate(toModuliCount count: Int) {
        precondition(count >= 1 && count <= moduliCount)
        if count < moduliCount {
            data.removeLast((moduliCount - count) * n)
            moduliCount = count
        }
    }

    /// A copy with only the first `count` residues.
    public func truncated(toModuliCount count: Int) -> Poly {
        var copy = self
        copy.truncate(toModuliCount: count)
        return copy
    }

    /// Zeroes the memory with `secureZero` (volatile stores the optimizer keeps) (used for secrets before release).
    public mutating func zeroize() {
        secureZero(&data)
    }

    // MARK: Elementwise arithmetic (both forms)

    @inline(__always)
    private mutating func apply(
        _ other: Poly,
        _ body: (any RingBackend, UnsafeMutablePointer<UInt64>, UnsafePointer<UInt64>, Int, Modulus) -> Void
    ) {
        precondition(other.basis === basis, "polynomials from different RNS bases")
        precondition(other.moduliCount >= moduliCount, "operand has fewer residues")
        let n = self.n
        let backend = self.backend
        let moduli = basis.moduli
        let count = moduliCount
        data.withUnsafeMutableBufferPointer { r in
            other.data.withUnsafeBufferPointer { b in
                let (rb, bb) = (r.baseAddress!, b.baseAddress!)
                Parallelism.perPrime(count) { i in body(backend, rb + i * n, bb + i * n, n, moduli[i]) }
            }
        }
    }

    /// `op(a, b)` residue by residue into a fresh polynomial over `a`'s residues (one pass, no
    /// copy of `a` first).
    @inline(__always)
    static func combine(
        _ a: Poly, _ b: Poly,
        _ body: (
            any RingBackend, UnsafeMutablePointer<UInt64>, UnsafePointer<UInt64>, UnsafePointer<UInt64>, Int, Modulus
        ) -> Void
    ) -> Poly {
        precondition(a.basis === b.basis, "polynomials from different RNS bases")
        precondition(b.moduliCount >= a.moduliCount, "operand has fewer residues")
        let n = a.n
        let backend = a.backend
        let moduli = a.basis.moduli
        let count = a.moduliCount
        let data = [UInt64](unsafeUninitializedCapacity: count * n) { out, initialized in
            let ob = out.baseAddress!
            a.data.withUnsafeBufferPointer { pa in
                b.data.withUnsafeBufferPointer { pb in
                    let (ab, bb) = (pa.baseAddress!, pb.baseAddress!)
                    Parallelism.perPrime(count) { i in body(backend, ob + i * n, ab + i * n, bb + i * n, n, moduli[i]) }
                }
            }
            initialized = count * n
        }
        return Poly(basis: a.basis, moduliCount: count, data: data)
    }

    /// `a + b` over `a`'s residues.
    public static func + (a: Poly, b: Poly) -> Poly {
        combine(a, b) { be, r, x, y, n, q in be.add(r, x, y, count: n, modulus: q) }
    }

    /// `a − b` over `a`'s residues.
    public static func - (a: Poly, b: Poly) -> Poly {
        combine(a, b) { be, r, x, y, n, q in be.subtract(r, x, y, count: n, modulus: q) }
    }

    /// `self += other` over `self`'s residues.
    public mutating func add(_ other: Poly) {
        apply(other) { be, r, b, n, q in be.add(r, UnsafePointer(r), b, count: n, modulus: q) }
    }

    /// `self −= other` over `self`'s residues.
    public mutating func subtract(_ other: Poly) {
        apply(other) { be, r, b, n, q in be.subtract(r, UnsafePointer(r), b, count: n, modulus: q) }
    }

    /// Runs `body(backend, residue i, i, modulus)` in place on every residue.
    @inline(__always)
    private mutating func eachResidue(_ body: (any RingBackend, UnsafeMutablePointer<UInt64>, Int, Modulus) -> Void) {
        let n = self.n
        let backend = self.backend
        let moduli = basis.moduli
        let count = moduliCount
        data.withUnsafeMutableBufferPointer { r in
            for i in 0..<count { body(backend, r.baseAddress! + i * n, i, moduli[i]) }
        }
    }

    /// `self = −self`.
    public mutating func negate() {
        let n = self.n
        eachResidue { be, p, _, q in be.negate(p, UnsafePointer(p), count: n, modulus: q) }
    }

    /// Multiplies residue `i` by `scalars[i]` (each already reduced mod q_i).
    public mutating func multiply(scalars: [UInt64]) {
        precondition(scalars.count >= moduliCount)
        let n = self.n
        eachResidue { be, p, i, q in be.multiplyScalar(p, UnsafePointer(p), scalar: scalars[i], count: n, modulus: q) }
    }

    /// Adds `scalars[i]` to every coefficient of residue `i` (in evaluation form this adds a
    /// constant polynomial; in coefficient form use it only on the constant term).
    public mutating func add(scalars: [UInt64]) {
        precondition(scalars.count >= moduliCount)
        let n = self.n
        eachResidue { be, p, i, q in be.addScalar(p, UnsafePointer(p), scalar: scalars[i], count: n, modulus: q) }
    }

    /// `self += other · scalars[i]` on residue `i` (each scalar already reduced mod q_i), for
    /// the residues in `residues` (default: all of `self`'s), with the backend's
    /// `multiplyScalarAdd`. Zero scalars are skipped. For sums of many terms prefer
    /// ``linearCombination(_:scalars:basis:moduliCount:)`` (vectorised kernels).
    public mutating func addMultiple(of other: Poly, scalars: [UInt64], residues: Range<Int>? = nil) {
        precondition(other.basis === basis, "polynomials from different RNS bases")
        let range = residues ?? 0..<moduliCount
        precondition(range.lowerBound >= 0 && range.upperBound <= moduliCount && range.upperBound <= other.moduliCount)
        precondition(scalars.count >= range.upperBound)
        let n = self.n
        let backend = self.backend
        let moduli = basis.moduli
        data.withUnsafeMutableBufferPointer { r in
            other.data.withUnsafeBufferPointer { b in
                for i in range where scalars[i] != 0 {
                    backend.multiplyScalarAdd(
                        r.baseAddress! + i * n, b.baseAddress! + i * n, scalar: scalars[i], count: n, modulus: moduli[i]
                    )
                }
            }
        }
    }

    /// Residue `i` as a read-only buffer.
    @inline(__always)
    public func withResidue<R>(_ i: Int, _ body: (UnsafePointer<UInt64>) throws -> R) rethrows -> R {
        try data.withUnsafeBufferPointer { try body($0.baseAddress! + i * n) }
    }
}

extension Poly where Format == Eval {
    /// Ring product `a · b` over `a`'s residues, into a fresh polynomial.
    public static func * (a: Poly, b: Poly) -> Poly {
        combine(a, b) { be, r, x, y, n, q in be.multiply(r, x, y, count: n, modulus: q) }
    }

    /// Ring product (pointwise in evaluation form).
    public mutating func multiply(_ other: Poly) {
        apply(other) { be, r, b, n, q in be.multiply(r, UnsafePointer(r), b, count: n, modulus: q) }
    }

    /// `self += a * b`.
    public mutating func multiplyAdd(_ a: Poly, _ b: Poly) {
        precondition(a.basis === basis && b.basis === basis)
        precondition(a.moduliCount >= moduliCount && b.moduliCount >= moduliCount)
        let n = self.n
        let backend = self.backend
        let moduli = basis.moduli
        let count = moduliCount
        data.withUnsafeMutableBufferPointer { r in
            a.data.withUnsafeBufferPointer { pa in
                b.data.withUnsafeBufferPointer { pb in
                    let (rb, ab, bb) = (r.baseAddress!, pa.baseAddress!, pb.baseAddress!)
                    Parallelism.perPrime(count) { i in
                        backend.multiplyAdd(rb + i * n, ab + i * n, bb + i * n, count: n, modulus: moduli[i])
                    }
                }
            }
        }
    }

    /// Inverse NTT into coefficient form.
    public func inverseNTT() -> Poly<Coeff> {
        var out = Poly<Coeff>(basis: basis, moduliCount: moduliCount, data: data)
        let n = self.n
        let backend = self.backend
        let tables = basis.tables
        let count = moduliCount
        out.data.withUnsafeMutableBufferPointer { r in
            let base = r.baseAddress!
            Parallelism.perPrime(count) { i in backend.inverseNTT(base + i * n, tables: tables[i]) }
        }
        return out
    }

    /// Applies X -> X^g with a precomputed evaluation-form permutation.
    public func permuted(by permutation: [UInt32]) -> Poly {
        var out = Poly(zeroOn: basis, moduliCount: moduliCount)
        let n = self.n
        let backend = self.backend
        let count = moduliCount
        out.data.withUnsafeMutableBufferPointer { r in
            data.withUnsafeBufferPointer { a in
                permutation.withUnsafeBufferPointer { perm in
                    let (rb, ab, pb) = (r.baseAddress!, a.baseAddress!, perm.baseAddress!)
                    Parallelism.perPrime(count) { i in
                        backend.permute(rb + i * n, ab + i * n, permutation: pb, count: n)
                    }
                }
            }
        }
        return out
    }
}

extension Poly where Format == Coeff {
    /// Forward NTT into evaluation form.
    public func forwardNTT() -> Poly<Eval> {
        var out = Poly<Eval>(basis: basis, moduliCount: moduliCount, data: data)
        let n = self.n
        let backend = self.backend
        let tables = basis.tables
        let count = moduliCount
        out.data.withUnsafeMutableBufferPointer { r in
            let base = r.baseAddress!
            Parallelism.perPrime(count) { i in backend.forwardNTT(base + i * n, tables: tables[i]) }
        }
        return out
    }

    /// Builds the RNS form of a polynomial with small signed integer coefficients.
    public init(basis: RNSBasis, moduliCount: Int, signedCoefficients: [Int64]) {
        precondition(signedCoefficients.count == basis.n)
        self.init(zeroOn: basis, moduliCount: moduliCount)
        let n = basis.n
        let backend = basis.backend
        let moduli = basis.moduli
        data.withUnsafeMutableBufferPointer { r in
            signedCoefficients.withUnsafeBufferPointer { s in
                for i in 0..<moduliCount {
                    backend.reduceSigned(r.baseAddress! + i * n, s.baseAddress!, count: n, modulus: moduli[i])
                }
            }
        }
    }

    /// Applies X -> X^g in coefficient form.
    public func automorphism(galoisElement g: Int) -> Poly {
        var out = Poly(zeroOn: basis, moduliCount: moduliCount)
        let n = self.n
        let backend = self.backend
        let moduli = basis.moduli
        let count = moduliCount
        out.data.withUnsafeMutableBufferPointer { r in
            data.withUnsafeBufferPointer { a in
                for i in 0..<count {
                    backend.automorphismCoefficients(
                        r.baseAddress! + i * n, a.baseAddress! + i * n, galoisElement: g, count: n, modulus: moduli[i])
                }
            }
        }
        return out
    }
}
