import Testing

@testable import HefRing

@Suite struct ModulusTests {
    @Test func barrettConstantsMatchDivision() {
        let q = Modulus(1_152_921_504_606_748_673)
        // floor(2^128 / q) * q <= 2^128 < (floor + 1) * q: check the high word directly.
        let (hi, _) = q.value.dividingFullWidth((high: 1, low: 0))
        #expect(q.barrettHigh == hi)
        #expect(q.bitWidth == 60)
    }
}
