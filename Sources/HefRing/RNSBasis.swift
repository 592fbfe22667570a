/// An ordered list of NTT-friendly primes with their NTT tables, bound to one backend.
///
/// Polynomials live on a *prefix* of a basis (the first `moduliCount` primes): dropping the
/// last prime is how CKKS moves down its level chain.
public final class RNSBasis: Sendable {
    /// log2 of the ring degree.
    public let logN: Int
    /// The ring degree n = 2^logN.
    public let n: Int
    /// The primes, in order.
    public let moduli: [Modulus]
    /// The NTT tables of each prime.
    public let tables: [NTTTables]
    /// The backend every polynomial on this basis computes with.
    public let backend: any RingBackend

    /// A basis over `moduli` (distinct NTT-friendly primes), building their NTT tables with
    /// `backend`'s number theory.
    public init(moduli: [UInt64], logN: Int, backend: any RingBackend) {
        precondition(!moduli.isEmpty, "an RNS basis needs at least one modulus")
        precondition(Set(moduli).count == moduli.count, "RNS moduli must be distinct")
        self.logN = logN
        self.n = 1 << logN
        self.moduli = moduli.map(Modulus.init)
        self.backend = backend
        self.tables = self.moduli.map { backend.numberTheory.makeNTTTables(modulus: $0, logN: logN) }
    }

    /// A basis over already-built tables (no recomputation), e.g. a sub-list of another basis.
    public init(tables: [NTTTables], backend: any RingBackend) {
        precondition(!tables.isEmpty)
        self.logN = tables[0].logN
        self.n = 1 << logN
        self.moduli = tables.map(\.modulus)
        self.tables = tables
        self.backend = backend
    }

    /// Number of primes.
    public var count: Int { moduli.count }
}
