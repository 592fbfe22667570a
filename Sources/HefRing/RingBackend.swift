/// The arithmetic engine under the ring layer. Two implementations compute exactly the same
/// words: ``NativeBackend`` (our C kernels in `CShims` plus FLINT/GMP) and ``SwiftBackend``
/// (pure Swift, no C). Everything above the ring layer is written against this protocol.
///
/// Conventions for every vector operation:
/// - `count` words are read from each input and written to `result`;
/// - inputs are fully reduced, in `[0, q)`, unless the doc says otherwise, and outputs are too;
/// - `result` may alias an input (operations are elementwise), except where stated.
public protocol RingBackend: Sendable {
    /// "native" or "swift".
    var name: String { get }

    /// The setup-time number theory that goes with this backend (primes, roots, tables).
    var numberTheory: any NumberTheory { get }

    // MARK: Transforms (in place, n = tables.n words)

    /// Negacyclic forward NTT in place: coefficient form in, evaluation form (bit-reversed) out.
    func forwardNTT(_ data: UnsafeMutablePointer<UInt64>, tables: NTTTables)
    /// Inverse of ``forwardNTT(_:tables:)``, in place, including the factor n^-1.
    func inverseNTT(_ data: UnsafeMutablePointer<UInt64>, tables: NTTTables)

    // MARK: Vector arithmetic mod q

    /// `result = a + b mod q`.
    func add(
        _ result: UnsafeMutablePointer<UInt64>, _ a: UnsafePointer<UInt64>, _ b: UnsafePointer<UInt64>, count: Int,
        modulus: Modulus)
    /// `result = a − b mod q`.
    func subtract(
        _ result: UnsafeMutablePointer<UInt64>, _ a: UnsafePointer<UInt64>, _ b: UnsafePointer<UInt64>, count: Int,
        modulus: Modulus)
    /// `result = −a mod q`.
    func negate(_ result: UnsafeMutablePointer<UInt64>, _ a: UnsafePointer<UInt64>, count: Int, modulus: Modulus)
    /// `result = a · b mod q` (Barrett).
    func multiply(
        _ result: UnsafeMutablePointer<UInt64>, _ a: UnsafePointer<UInt64>, _ b: UnsafePointer<UInt64>, count: Int,
        modulus: Modulus)
    /// `result = result + a · b mod q`.
    func multiplyAdd(
        _ result: UnsafeMutablePointer<UInt64>, _ a: UnsafePointer<UInt64>, _ b: UnsafePointer<UInt64>, count: Int,
        modulus: Modulus)
    /// `result = a · scalar mod q`, `scalar < q` (Shoup).
    func multiplyScalar(
        _ result: UnsafeMutablePointer<UInt64>, _ a: UnsafePointer<UInt64>, scalar: UInt64, count: Int, modulus: Modulus
    )
    /// `result = result + a · scalar mod q`, `scalar < q`.
    func multiplyScalarAdd(
        _ result: UnsafeMutablePointer<UInt64>, _ a: UnsafePointer<UInt64>, scalar: UInt64, count: Int, modulus: Modulus
    )
    /// `result = (a + scalar) mod q`, `scalar < q`.
    func addScalar(
        _ result: UnsafeMutablePointer<UInt64>, _ a: UnsafePointer<UInt64>, scalar: UInt64, count: Int, modulus: Modulus
    )
    /// `result = Σ_t a[t] · b[t] mod q` over `terms` pairs of vectors, accumulated lazily in
    /// 128 bits and reduced once (the key-switching inner product). `terms ≤ 64`.
    /// `result` must not alias any input.
    func dotProduct(
        _ result: UnsafeMutablePointer<UInt64>, _ a: UnsafePointer<UnsafePointer<UInt64>>,
        _ b: UnsafePointer<UnsafePointer<UInt64>>, terms: Int, count: Int, modulus: Modulus)
    /// `result = a mod q` for arbitrary 64-bit words `a`.
    func reduce(_ result: UnsafeMutablePointer<UInt64>, _ a: UnsafePointer<UInt64>, count: Int, modulus: Modulus)
    /// `result = a mod q` for signed words, into `[0, q)`.
    func reduceSigned(_ result: UnsafeMutablePointer<UInt64>, _ a: UnsafePointer<Int64>, count: Int, modulus: Modulus)

    // MARK: Automorphisms X -> X^g

    /// Evaluation form: `result[i] = a[permutation[i]]`. `result` must not alias `a`.
    func permute(
        _ result: UnsafeMutablePointer<UInt64>, _ a: UnsafePointer<UInt64>, permutation: UnsafePointer<UInt32>,
        count: Int)
    /// Coefficient form, `count = n` a power of two, `g` odd: the coefficient `a[i]` of X^i
    /// moves to X^(i·g mod 2n), negated when `i·g mod 2n ≥ n`. `result` must not alias `a`.
    func automorphismCoefficients(
        _ result: UnsafeMutablePointer<UInt64>, _ a: UnsafePointer<UInt64>, galoisElement: Int, count: Int,
        modulus: Modulus)

    // MARK: RNS basis conversion and CRT

    /// Fast basis conversion (see ``BasisConversionTables``): `input` holds
    /// `tables.input.count` residue vectors of `count` words one after the other; `output`
    /// receives `tables.output.count` vectors the same way. No aliasing.
    func convertBasis(
        _ output: UnsafeMutablePointer<UInt64>, _ input: UnsafePointer<UInt64>, tables: BasisConversionTables,
        count: Int)
    /// Exact CRT composition: `residues` holds `tables.moduli.count` vectors of `count` words;
    /// `output[c * limbCount ..< (c+1) * limbCount]` receives coefficient `c` in `[0, Q)`.
    func composeCRT(
        _ output: UnsafeMutablePointer<UInt64>, _ residues: UnsafePointer<UInt64>, tables: CRTTables, count: Int)
    /// The centered lift of each composed coefficient (in `(-Q/2, Q/2]`) as a Double, rounded
    /// toward zero when it is not exactly representable, then multiplied by `factor`
    /// (one rounding more). Fast path: when the lift from `q_0` alone agrees with every other
    /// residue, it is the exact answer.
    func composeCentered(
        _ output: UnsafeMutablePointer<Double>, _ residues: UnsafePointer<UInt64>, tables: CRTTables, count: Int,
        factor: Double)
}

extension RingBackend {
    /// ``convertBasis(_:_:tables:count:)`` from one input prime, where `qHat = 1`: each output
    /// residue is the input reduced mod p_j. Both backends take this path.
    @inline(__always)
    func convertFromSinglePrime(
        _ output: UnsafeMutablePointer<UInt64>, _ input: UnsafePointer<UInt64>, tables: BasisConversionTables,
        count: Int
    ) {
        Parallelism.perPrime(tables.output.count) { j in
            reduce(output + j * count, input, count: count, modulus: tables.output[j])
        }
    }
}
