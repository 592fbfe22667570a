/// Packs words of `width` bits (1...63) into a little-endian bit stream, and back.
///
/// Value `i` occupies bits `i·width ..< (i+1)·width` of the stream (bit 0 = least significant
/// bit of byte 0). `count` values take `⌈count·width / 8⌉` bytes; unused high bits of the last
/// byte are zero. Residue vectors are stored this way (at the bit width of their prime).
package enum BitPacking {
    /// Bytes taken by `count` values of `width` bits.
    package static func byteCount(count: Int, width: Int) -> Int {
        (count * width + 7) / 8
    }

    /// Appends the packed form of `values` (each `< 2^width`) to `out`.
    package static func pack(_ values: UnsafePointer<UInt64>, count: Int, width: Int, into out: inout [UInt8]) {
        precondition(width >= 1 && width <= 63)
        let start = out.count
        let total = byteCount(count: count, width: width)
        out.append(contentsOf: repeatElement(0, count: total))
        out.withUnsafeMutableBufferPointer { buffer in
            let dst = buffer.baseAddress! + start
            var position = 0
            var acc: UInt64 = 0
            var bits = 0
            @inline(__always) func emit(_ word: UInt64, bytes: Int) {
                for k in 0..<bytes { dst[position + k] = UInt8(truncatingIfNeeded: word >> UInt64(8 * k)) }
                position += bytes
            }
            for i in 0..<count {
                let v = values[i]
                acc |= v << UInt64(bits)
                if bits + width >= 64 {
                    emit(acc, bytes: 8)
                    let used = 64 - bits
                    acc = v >> UInt64(used)
                    bits = bits + width - 64
                } else {
                    bits += width
                }
            }
            if bits > 0 { emit(acc, bytes: (bits + 7) / 8) }
            precondition(position == total)
        }
    }

    /// Unpacks `count` values of `width` bits from `src` (exactly `byteCount(count:width:)`
    /// bytes) into `out`. Returns false if the padding bits of the last byte are not zero.
    package static func unpack(
        _ src: UnsafeBufferPointer<UInt8>, count: Int, width: Int, into out: UnsafeMutablePointer<UInt64>
    ) -> Bool {
        precondition(width >= 1 && width <= 63)
        let total = src.count
        precondition(total == byteCount(count: count, width: width))
        let base = src.baseAddress!
        let mask: UInt64 = (1 << UInt64(width)) - 1
        var position = 0
        @inline(__always) func load() -> UInt64 {
            var w: UInt64 = 0
            let available = min(8, total - position)
            if available == 8 {
                w = UnsafeRawPointer(base + position).loadUnaligned(as: UInt64.self).littleEndian
            } else {
                for k in 0..<max(0, available) { w |= UInt64(base[position + k]) << UInt64(8 * k) }
            }
            position += 8
            return w
        }
        var acc: UInt64 = 0
        var bits = 0
        for i in 0..<count {
            if bits >= width {
                out[i] = acc & mask
                acc >>= UInt64(width)
                bits -= width
            } else {
                let next = load()
                out[i] = (acc | (next << UInt64(bits))) & mask
                let used = width - bits
                acc = next >> UInt64(used)
                bits = 64 - used
            }
        }
        // Whatever remains of the last byte must be zero padding.
        // Bits left in the accumulator come from the padding of the last byte (or from the
        // zeros loaded past the end): all must be zero.
        return acc == 0
    }

    /// Appends the packed form of `words[range]` (each `< 2^width`) to `out`.
    package static func pack(_ words: [UInt64], range: Range<Int>, width: Int, into out: inout [UInt8]) {
        precondition(range.lowerBound >= 0 && range.upperBound <= words.count)
        words.withUnsafeBufferPointer {
            pack($0.baseAddress! + range.lowerBound, count: range.count, width: width, into: &out)
        }
    }

    /// Unpacks `count` values of `width` bits from `bytes[offset ..< offset + byteCount]`
    /// into `words[start ..< start + count]`. Returns false if the padding bits are not zero.
    package static func unpack(
        _ bytes: [UInt8], offset: Int, count: Int, width: Int, into words: inout [UInt64], at start: Int
    ) -> Bool {
        let size = byteCount(count: count, width: width)
        precondition(offset >= 0 && offset + size <= bytes.count && start >= 0 && start + count <= words.count)
        return bytes.withUnsafeBufferPointer { src in
            words.withUnsafeMutableBufferPointer { dst in
                unpack(
                    UnsafeBufferPointer(rebasing: src[offset..<(offset + size)]), count: count, width: width,
                    into: dst.baseAddress! + start)
            }
        }
    }
}
