/// Classical security levels of the HomomorphicEncryption.org standard (v1.1, 2018), for
/// uniform ternary secrets and error σ = 3.2; N = 65536 from the 2024 security guidelines.
public enum SecurityLevel: Int, Sendable, Codable, CaseIterable {
    /// 128-bit classical security.
    case bits128 = 128
    /// 192-bit classical security.
    case bits192 = 192
    /// 256-bit classical security.
    case bits256 = 256

    /// The largest log2(Q·P) that keeps this level at ring degree `n`, or nil if the table
    /// has no entry for `n`.
    public func maxLogQP(n: Int) -> Int? {
        let table: [Int: Int]
        switch self {
        case .bits128:
            table = [1024: 27, 2048: 54, 4096: 109, 8192: 218, 16384: 438, 32768: 881, 65536: 1747]
        case .bits192:
            table = [1024: 19, 2048: 37, 4096: 75, 8192: 152, 16384: 305, 32768: 611, 65536: 1199]
        case .bits256:
            table = [1024: 14, 2048: 29, 4096: 58, 8192: 118, 16384: 237, 32768: 476, 65536: 929]
        }
        return table[n]
    }
}

/// The explicit, loudly named opt-in that lets a test build parameters the security table
/// refuses. Never use it for data that matters.
public struct InsecureParametersForTestingOnly: Sendable {
    /// The opt-in itself.
    public init() {}
}
