import CShims

/// Overwrites `array`'s storage with zeros through `hef_secure_zero` (volatile stores and a
/// compiler barrier in C), which the optimizer cannot remove. Use it on every buffer that held
/// a secret before the buffer is released. Only the array's current storage is wiped: copies
/// made earlier (copy-on-write) must be wiped separately.
public func secureZero<T: BitwiseCopyable>(_ array: inout [T]) {
    array.withUnsafeMutableBytes { secureZero($0) }
}

/// Overwrites the bytes with zeros (see ``secureZero(_:)-([T])``).
public func secureZero(_ bytes: UnsafeMutableRawBufferPointer) {
    guard let base = bytes.baseAddress, bytes.count > 0 else { return }
    hef_secure_zero(base, bytes.count)
}
