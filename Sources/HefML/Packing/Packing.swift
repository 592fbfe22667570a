/// How samples are laid out in ciphertext slots.
public enum Packing: String, Codable, Sendable, CaseIterable {
    /// One sample per ciphertext: its features replicated across the slots; dense layers by the
    /// diagonal method with rotations. Lowest latency for a single sample.
    case latency
    /// Many samples per ciphertext: ciphertext f holds feature f of up to N/2 samples, one slot
    /// each; dense layers are linear combinations of ciphertexts (no rotations). A batch of
    /// thousands costs about as much as one sample.
    case throughput
}
