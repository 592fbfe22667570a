public import HefRing

/// An encoded message: a polynomial in evaluation form at a level, with its scale.
public struct Plaintext: Sendable {
    public var poly: Poly<Eval>
    public var scale: Double
    public var slots: Int
    public let parametersID: UInt64

    /// The level: index of the last prime the plaintext is defined over.
    public var level: Int { poly.moduliCount - 1 }
}
