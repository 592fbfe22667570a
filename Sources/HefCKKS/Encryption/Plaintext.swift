public import HefRing

/// An encoded message: a polynomial in evaluation form at a level, with its scale.
public struct Plaintext: Sendable {
    /// The encoded polynomial, evaluation form.
    public var poly: Poly<Eval>
    /// The scale Δ the values were multiplied by.
    public var scale: Double
    /// Number of slots in use.
    public var slots: Int
    /// The id of the parameters it was encoded with.
    public let parametersID: UInt64

    /// The level: index of the last prime the plaintext is defined over.
    public var level: Int { poly.moduliCount - 1 }
}
