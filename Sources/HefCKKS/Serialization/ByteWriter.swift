import HefRing

/// Appends little-endian fields to a byte buffer.
package struct ByteWriter {
    package var bytes: [UInt8]

    package init(capacity: Int = 0) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    package mutating func u8(_ v: UInt8) { bytes.append(v) }

    package mutating func u16(_ v: UInt16) {
        for i in 0..<2 { bytes.append(UInt8(truncatingIfNeeded: v >> UInt16(8 * i))) }
    }

    package mutating func u32(_ v: UInt32) {
        for i in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: v >> UInt32(8 * i))) }
    }

    package mutating func u64(_ v: UInt64) {
        for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: v >> UInt64(8 * i))) }
    }

    package mutating func f64(_ v: Double) { u64(v.bitPattern) }

    package mutating func raw(_ v: [UInt8]) { bytes.append(contentsOf: v) }

    /// Overwrites every byte (for buffers that held secret material).
    package mutating func wipe() {
        secureZero(&bytes)
    }
}
