import Foundation
import HefRing

/// The canonical embedding of CKKS: slot values ↔ polynomial coefficients through the
/// "special" FFT over the rotation group 5^j mod 2N. With `slots < N/2` the plaintext lives in
/// the subring X^(N/(2·slots)) (sparse packing); rotations then act modulo `slots`.
public struct CKKSEncoder: Sendable {
    /// The ring degree N (N/2 complex slots).
    public let n: Int
    /// cos/sin of 2πk/(2N) for k in 0...2N.
    private let rootsReal: [Double]
    private let rootsImag: [Double]
    /// 5^j mod 2N for j < N/2.
    private let rotationGroup: [Int]

    /// Precomputes the roots of unity and the rotation group for N = 2^logN.
    public init(logN: Int) {
        let n = 1 << logN
        self.n = n
        let m = 2 * n
        var re = [Double](repeating: 0, count: m + 1)
        var im = [Double](repeating: 0, count: m + 1)
        for k in 0...m {
            let angle = 2 * Double.pi * Double(k) / Double(m)
            re[k] = cos(angle)
            im[k] = sin(angle)
        }
        rootsReal = re
        rootsImag = im
        var group = [Int](repeating: 0, count: n / 2)
        var g = 1
        for j in 0..<(n / 2) {
            group[j] = g
            g = (g * 5) % m
        }
        rotationGroup = group
    }

    /// Coefficients (scaled reals, before rounding) of the polynomial whose embedding is
    /// `real + i·imag` on `slots` slots. Output has `n` entries.
    public func coefficients(real: [Double], imag: [Double]?, slots: Int) -> [Double] {
        var re = [Double](repeating: 0, count: slots)
        var im = [Double](repeating: 0, count: slots)
        for i in 0..<min(slots, real.count) { re[i] = real[i] }
        if let imag { for i in 0..<min(slots, imag.count) { im[i] = imag[i] } }
        inverseSpecialFFT(&re, &im)
        var out = [Double](repeating: 0, count: n)
        let gap = n / (2 * slots)
        for i in 0..<slots {
            out[i * gap] = re[i]
            out[n / 2 + i * gap] = im[i]
        }
        return out
    }

    /// Slot values of the polynomial with real `coefficients` (length `n`), on `slots` slots.
    public func slots(coefficients: [Double], slots: Int) -> (real: [Double], imag: [Double]) {
        let gap = n / (2 * slots)
        var re = [Double](repeating: 0, count: slots)
        var im = [Double](repeating: 0, count: slots)
        for i in 0..<slots {
            re[i] = coefficients[i * gap]
            im[i] = coefficients[n / 2 + i * gap]
        }
        specialFFT(&re, &im)
        return (re, im)
    }

    /// The Galois element that rotates `slots`-slot vectors left by `step`.
    public func galoisElement(forStep step: Int, slots: Int) -> Int {
        let k = ((step % slots) + slots) % slots
        return rotationGroup[k % (n / 2)]
    }

    /// The Galois element of complex conjugation.
    public var conjugationElement: Int { 2 * n - 1 }

    // MARK: Special FFT (decode direction) and its inverse (encode direction)

    private func specialFFT(_ re: inout [Double], _ im: inout [Double]) {
        let size = re.count
        bitReversePermute(&re, &im)
        let m = 2 * n
        re.withUnsafeMutableBufferPointer { vr in
            im.withUnsafeMutableBufferPointer { vi in
                rootsReal.withUnsafeBufferPointer { wr in
                    rootsImag.withUnsafeBufferPointer { wi in
                        rotationGroup.withUnsafeBufferPointer { group in
                            var len = 2
                            while len <= size {
                                let half = len >> 1
                                let quarterLen = len << 2
                                let gap = m / quarterLen
                                for start in stride(from: 0, to: size, by: len) {
                                    for j in 0..<half {
                                        let idx = (group[j] % quarterLen) * gap
                                        let a = start + j
                                        let b = a + half
                                        let ur = vr[a]
                                        let ui = vi[a]
                                        let xr = vr[b]
                                        let xi = vi[b]
                                        let tr = xr * wr[idx] - xi * wi[idx]
                                        let ti = xr * wi[idx] + xi * wr[idx]
                                        vr[a] = ur + tr
                                        vi[a] = ui + ti
                                        vr[b] = ur - tr
                                        vi[b] = ui - ti
                                    }
                                }
                                len <<= 1
                            }
                        }
                    }
                }
            }
        }
    }

    private func inverseSpecialFFT(_ re: inout [Double], _ im: inout [Double]) {
        let size = re.count
        let m = 2 * n
        re.withUnsafeMutableBufferPointer { vr in
            im.withUnsafeMutableBufferPointer { vi in
                rootsReal.withUnsafeBufferPointer { wr in
                    rootsImag.withUnsafeBufferPointer { wi in
                        rotationGroup.withUnsafeBufferPointer { group in
                            var len = size
                            while len >= 1 {
                                let half = len >> 1
                                let quarterLen = len << 2
                                let gap = m / quarterLen
                                for start in stride(from: 0, to: size, by: len) {
                                    for j in 0..<half {
                                        let idx = (quarterLen - (group[j] % quarterLen)) * gap
                                        let a = start + j
                                        let b = a + half
                                        let ur = vr[a] + vr[b]
                                        let ui = vi[a] + vi[b]
                                        let dr = vr[a] - vr[b]
                                        let di = vi[a] - vi[b]
                                        vr[a] = ur
                                        vi[a] = ui
                                        vr[b] = dr * wr[idx] - di * wi[idx]
                                        vi[b] = dr * wi[idx] + di * wr[idx]
                                    }
                                }
                                len >>= 1
                            }
                        }
                    }
                }
            }
        }
        bitReversePermute(&re, &im)
        let inv = 1.0 / Double(size)
        for i in 0..<size {
            re[i] *= inv
            im[i] *= inv
        }
    }

    private func bitReversePermute(_ re: inout [Double], _ im: inout [Double]) {
        let size = re.count
        var j = 0
        for i in 1..<max(size, 1) {
            var bit = size >> 1
            while j & bit != 0 {
                j ^= bit
                bit >>= 1
            }
            j ^= bit
            if i < j {
                re.swapAt(i, j)
                im.swapAt(i, j)
            }
        }
    }
}
