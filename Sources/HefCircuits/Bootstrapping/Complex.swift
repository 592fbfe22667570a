import Foundation

/// A complex number in double precision, for the plaintext matrices of bootstrapping.
struct Complex: Sendable, Equatable {
    var re: Double
    var im: Double

    init(_ re: Double, _ im: Double = 0) {
        self.re = re
        self.im = im
    }

    static let zero = Complex(0)
    static let one = Complex(1)
    /// The imaginary unit.
    static let i = Complex(0, 1)

    /// e^{iθ}.
    static func unit(angle: Double) -> Complex { Complex(cos(angle), sin(angle)) }

    var conjugate: Complex { Complex(re, -im) }
    var magnitude: Double { (re * re + im * im).squareRoot() }

    static func + (a: Complex, b: Complex) -> Complex { Complex(a.re + b.re, a.im + b.im) }
    static func - (a: Complex, b: Complex) -> Complex { Complex(a.re - b.re, a.im - b.im) }
    static prefix func - (a: Complex) -> Complex { Complex(-a.re, -a.im) }
    static func * (a: Complex, b: Complex) -> Complex {
        Complex(a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re)
    }
    static func * (a: Double, b: Complex) -> Complex { Complex(a * b.re, a * b.im) }
    static func += (a: inout Complex, b: Complex) { a = a + b }
}
