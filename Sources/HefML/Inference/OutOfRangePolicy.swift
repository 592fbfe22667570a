/// What the client does with a row outside the range the compiled model guarantees.
public enum OutOfRangePolicy: String, Sendable, CaseIterable {
    /// Throw an error naming the row and the feature (the default).
    case refuse
    /// Clamp every feature into the guaranteed input box, and report it.
    case clamp
    /// Encrypt the row in a batch of its own (it cannot affect other rows); its result is
    /// reported invalid after decryption.
    case isolate
}
