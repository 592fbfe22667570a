public struct NativeBackend: RingBackend { public init() {}
  public var name: String { "" }
  public func isPrime(_ n: UInt64) -> Bool { fatalError() }
  public func nttPrimes(bitWidth: Int, logN: Int, count: Int, excluding: Set<UInt64>) -> [UInt64] { fatalError() }
  public func makeNTTTables(modulus: Modulus, logN: Int) -> NTTTables { fatalError() }
  public func makeCRTTables(moduli: [Modulus]) -> CRTTables { fatalError() }
  public func forwardNTT(_ data: UnsafeMutablePointer<UInt64>, tables: NTTTables) { fatalError() }
  public func inverseNTT(_ data: UnsafeMutablePointer<UInt64>, tables: NTTTables) { fatalError() }
  public func add(_ result: UnsafeMutablePointer<UInt64>, _ a: UnsafePointer<UInt64>, _ b: UnsafePointer<UInt64>, count: Int, modulus: Modulus) { fatalError() }
  public func subtract(_ result: UnsafeMutablePointer<UInt64>, _ a: UnsafePointer<UInt64>, _ b: UnsafePointer<UInt64>, count: Int, modulus: Modulus) { fatalError() }
  public func negate(_ result: UnsafeMutablePointer<UInt64>, _ a: UnsafePointer<UInt64>, count: Int, modulus: Modulus) { fatalError() }
  public func multiply(_ result: UnsafeMutablePointer<UInt64>, _ a: UnsafePointer<UInt64>, _ b: UnsafePointer<UInt64>, count: Int, modulus: Modulus) { fatalError() }
  public func multiplyAdd(_ result: UnsafeMutablePointer<UInt64>, _ a: UnsafePointer<UInt64>, _ b: UnsafePointer<UInt64>, count: Int, modulus: Modulus) { fatalError() }
  public func multiplyScalar(_ result: UnsafeMutablePointer<UInt64>, _ a: UnsafePointer<UInt64>, scalar: UInt64, count: Int, modulus: Modulus) { fatalError() }
  public func multiplyScalarAdd(_ result: UnsafeMutablePointer<UInt64>, _ a: UnsafePointer<UInt64>, scalar: UInt64, count: Int, modulus: Modulus) { fatalError() }
  public func addScalar(_ result: UnsafeMutablePointer<UInt64>, _ a: UnsafePointer<UInt64>, scalar: UInt64, count: Int, modulus: Modulus) { fatalError() }
  public func dotProduct(_ result: UnsafeMutablePointer<UInt64>, _ a: UnsafePointer<UnsafePointer<UInt64>>, _ b: UnsafePointer<UnsafePointer<UInt64>>, terms: Int, count: Int, modulus: Modulus) { fatalError() }
  public func reduce(_ result: UnsafeMutablePointer<UInt64>, _ a: UnsafePointer<UInt64>, count: Int, modulus: Modulus) { fatalError() }
  public func reduceSigned(_ result: UnsafeMutablePointer<UInt64>, _ a: UnsafePointer<Int64>, count: Int, modulus: Modulus) { fatalError() }
  public func permute(_ result: UnsafeMutablePointer<UInt64>, _ a: UnsafePointer<UInt64>, permutation: UnsafePointer<UInt32>, count: Int) { fatalError() }
  public func automorphismCoefficients(_ result: UnsafeMutablePointer<UInt64>, _ a: UnsafePointer<UInt64>, galoisElement: Int, count: Int, modulus: Modulus) { fatalError() }
  public func convertBasis(_ output: UnsafeMutablePointer<UInt64>, _ input: UnsafePointer<UInt64>, tables: BasisConversionTables, count: Int) { fatalError() }
  public func composeCRT(_ output: UnsafeMutablePointer<UInt64>, _ residues: UnsafePointer<UInt64>, tables: CRTTables, count: Int) { fatalError() }
  public func composeCentered(_ output: UnsafeMutablePointer<Double>, _ residues: UnsafePointer<UInt64>, tables: CRTTables, count: Int, factor: Double) { fatalError() }
}
public typealias SwiftBackend = NativeBackend
public func nttGaloisPermutation(galoisElement: Int, logN: Int) -> [UInt32] { fatalError() }
