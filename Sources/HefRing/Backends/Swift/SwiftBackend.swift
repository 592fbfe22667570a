/// The pure-Swift ring backend: no C, no FLINT. Computes exactly the same words as
/// ``NativeBackend`` (same primes, roots, tables, and fully reduced outputs).
public struct SwiftBackend: RingBackend, Sendable {
    /// The pure-Swift backend (stateless).
    public init() {}

    /// "swift".
    public var name: String { "swift" }

    /// Miller–Rabin and a pure-Swift root search.
    public var numberTheory: any NumberTheory { SwiftNumberTheory() }

    // MARK: Transforms

    /// ``RingBackend`` `forwardNTT`: the pure-Swift kernel.
    public func forwardNTT(_ data: UnsafeMutablePointer<UInt64>, tables: NTTTables) {
        SwiftNTT.forward(data, tables: tables)
    }

    /// ``RingBackend`` `inverseNTT`: the pure-Swift kernel.
    public func inverseNTT(_ data: UnsafeMutablePointer<UInt64>, tables: NTTTables) {
        SwiftNTT.inverse(data, tables: tables)
    }

    // MARK: Vector arithmetic

    /// ``RingBackend`` `add`: the pure-Swift kernel.
    public func add(
        _ result: UnsafeMutablePointer<UInt64>, _ a: UnsafePointer<UInt64>, _ b: UnsafePointer<UInt64>, count: Int,
        modulus: Modulus
    ) {
        SwiftVectorArithmetic.add(result, a, b, count: count, q: modulus.value)
    }

    /// ``RingBackend`` `subtract`: the pure-Swift kernel.
    public func subtract(
        _ result: UnsafeMutablePointer<UInt64>, _ a: UnsafePointer<UInt64>, _ b: UnsafePointer<UInt64>, count: Int,
        modulus: Modulus
    ) {
        SwiftVectorArithmetic.subtract(result, a, b, count: count, q: modulus.value)
    }

    /// ``RingBackend`` `negate`: the pure-Swift kernel.
    public func negate(_ result: UnsafeMutablePointer<UInt64>, _ a: UnsafePointer<UInt64>, count: Int, modulus: Modulus)
    {
        SwiftVectorArithmetic.negate(result, a, count: count, q: modulus.value)
    }

    /// ``RingBackend`` `multiply`: the pure-Swift kernel.
    public func multiply(
        _ result: UnsafeMutablePointer<UInt64>, _ a: UnsafePointer<UInt64>, _ b: UnsafePointer<UInt64>, count: Int,
        modulus: Modulus
    ) {
        SwiftVectorArithmetic.multiply(result, a, b, count: count, modulus: modulus)
    }

    /// ``RingBackend`` `multiplyAdd`: the pure-Swift kernel.
    public func multiplyAdd(
        _ result: UnsafeMutablePointer<UInt64>, _ a: UnsafePointer<UInt64>, _ b: UnsafePointer<UInt64>, count: Int,
        modulus: Modulus
    ) {
        SwiftVectorArithmetic.multiplyAdd(result, a, b, count: count, modulus: modulus)
    }

    /// ``RingBackend`` `multiplyScalar`: the pure-Swift kernel.
    public func multiplyScalar(
        _ result: UnsafeMutablePointer<UInt64>, _ a: UnsafePointer<UInt64>, scalar: UInt64, count: Int, modulus: Modulus
    ) {
        SwiftVectorArithmetic.multiplyScalar(result, a, scalar: scalar, count: count, q: modulus.value)
    }

    /// ``RingBackend`` `multiplyScalarAdd`: the pure-Swift kernel.
    public func multiplyScalarAdd(
        _ result: UnsafeMutablePointer<UInt64>, _ a: UnsafePointer<UInt64>, scalar: UInt64, count: Int, modulus: Modulus
    ) {
        SwiftVectorArithmetic.multiplyScalarAdd(result, a, scalar: scalar, count: count, q: modulus.value)
    }

    /// ``RingBackend`` `addScalar`: the pure-Swift kernel.
    public func addScalar(
        _ result: UnsafeMutablePointer<UInt64>, _ a: UnsafePointer<UInt64>, scalar: UInt64, count: Int, modulus: Modulus
    ) {
        SwiftVectorArithmetic.addScalar(result, a, scalar: scalar, count: count, q: modulus.value)
    }

    /// ``RingBackend`` `dotProduct`: the pure-Swift kernel.
    public func dotProduct(
        _ result: UnsafeMutablePointer<UInt64>, _ a: UnsafePointer<UnsafePointer<UInt64>>,
        _ b: UnsafePointer<UnsafePointer<UInt64>>, terms: Int, count: Int, modulus: Modulus
    ) {
        SwiftVectorArithmetic.dotProduct(result, a, b, terms: terms, count: count, modulus: modulus)
    }

    /// ``RingBackend`` `reduce`: the pure-Swift kernel.
    public func reduce(_ result: UnsafeMutablePointer<UInt64>, _ a: UnsafePointer<UInt64>, count: Int, modulus: Modulus)
    {
        SwiftVectorArithmetic.reduce(result, a, count: count, modulus: modulus)
    }

    /// ``RingBackend`` `reduceSigned`: the pure-Swift kernel.
    public func reduceSigned(
        _ result: UnsafeMutablePointer<UInt64>, _ a: UnsafePointer<Int64>, count: Int, modulus: Modulus
    ) {
        SwiftVectorArithmetic.reduceSigned(result, a, count: count, modulus: modulus)
    }

    // MARK: Automorphisms

    /// ``RingBackend`` `permute`: the pure-Swift kernel.
    public func permute(
        _ result: UnsafeMutablePointer<UInt64>, _ a: UnsafePointer<UInt64>, permutation: UnsafePointer<UInt32>,
        count: Int
    ) {
        SwiftVectorArithmetic.permute(result, a, permutation: permutation, count: count)
    }

    /// ``RingBackend`` `automorphismCoefficients`: the pure-Swift kernel.
    public func automorphismCoefficients(
        _ result: UnsafeMutablePointer<UInt64>, _ a: UnsafePointer<UInt64>, galoisElement: Int, count: Int,
        modulus: Modulus
    ) {
        SwiftVectorArithmetic.automorphismCoefficients(
            result, a, galoisElement: galoisElement, count: count, q: modulus.value)
    }

    // MARK: Basis conversion and CRT

    /// ``RingBackend`` `convertBasis`: the pure-Swift kernel.
    public func convertBasis(
        _ output: UnsafeMutablePointer<UInt64>, _ input: UnsafePointer<UInt64>, tables: BasisConversionTables,
        count: Int
    ) {
        if tables.input.count == 1 { return convertFromSinglePrime(output, input, tables: tables, count: count) }
        SwiftBasisConversion.convert(output, input, tables: tables, count: count)
    }

    /// ``RingBackend`` `composeCRT`: the pure-Swift kernel.
    public func composeCRT(
        _ output: UnsafeMutablePointer<UInt64>, _ residues: UnsafePointer<UInt64>, tables: CRTTables, count: Int
    ) {
        SwiftCRT.compose(output, residues, tables: tables, count: count)
    }

    /// ``RingBackend`` `composeCentered`: the pure-Swift kernel.
    public func composeCentered(
        _ output: UnsafeMutablePointer<Double>, _ residues: UnsafePointer<UInt64>, tables: CRTTables, count: Int,
        factor: Double
    ) {
        SwiftCRT.composeCentered(output, residues, tables: tables, count: count, factor: factor)
    }
}
