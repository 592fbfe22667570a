import CFlint
import CShims

/// Number theory on FLINT's word functions (with our primitive-root search in `CShims`).
public struct NativeNumberTheory: NumberTheory {
    /// The FLINT-backed number theory.
    public init() {}

    /// FLINT's deterministic `n_is_prime`.
    public func isPrime(_ n: UInt64) -> Bool {
        n_is_prime(UInt(n)) != 0
    }

    /// g^((q−1)/order) for the least primitive root g modulo q.
    public func primitiveRoot(modulus q: UInt64, order: UInt64) -> UInt64 {
        precondition(order > 0 && (q - 1) % order == 0, "order does not divide q − 1")
        let g = UInt(hef_primitive_root(q))
        return UInt64(n_powmod2_ui_preinv(g, UInt((q - 1) / order), UInt(q), n_preinvert_limb(UInt(q))))
    }
}
