import Foundation
import Testing

@testable import HefCKKS

@Suite struct ParametersTests {
    @Test func presetsAreSecureAndMatchTheirLiterals() throws {
        for preset in ParametersPreset.allCases {
            let p = try CKKSParameters(preset: preset)
            #expect(p.security == .bits128)
            #expect(p.q.count == preset.literal.logQ.count)
            #expect(p.p.count == preset.literal.logP.count)
            for (prime, bits) in zip(p.q + p.p, preset.literal.logQ + preset.literal.logP) {
                #expect(prime < (1 << UInt64(bits)) && prime > (1 << UInt64(bits - 1)))
                #expect(prime % UInt64(2 * p.n) == 1)
            }
            #expect(Set(p.q + p.p).count == p.q.count + p.p.count)
        }
    }

    @Test func insecureSetIsRefusedWithTheReason() throws {
        // 4096 allows 109 bits of Q·P; this asks for 160.
        let literal = ParametersLiteral(logN: 12, logQ: [60, 40], logP: [60], logScale: 40)
        #expect {
            try CKKSParameters(literal)
        } throws: { error in
            guard case CKKSError.insecureParameters(let why) = error else { return false }
            return why.contains("160") && why.contains("109")
        }
        // The explicit opt-in accepts it and records that it is not secure.
        let p = try CKKSParameters(literal, insecure: InsecureParametersForTestingOnly())
        #expect(p.security == nil)
    }

    @Test func pCountsTowardsTheSecurityBound() throws {
        // Q alone (200 bits) fits N = 8192's 218, but Q·P (260) does not.
        let literal = ParametersLiteral(logN: 13, logQ: [60, 40, 40, 60], logP: [60], logScale: 40)
        #expect(throws: CKKSError.self) { try CKKSParameters(literal) }
    }

    @Test func higherSecurityLevelsAreStricter() throws {
        let literal = ParametersLiteral(logN: 13, logQ: [60, 40, 40], logP: [60], logScale: 40, security: 192)
        #expect(throws: CKKSError.self) { try CKKSParameters(literal) }
        var ok = literal
        ok.logQ = [50, 40]
        ok.logP = [50]
        #expect(try CKKSParameters(ok).security == .bits192)
    }

    @Test func invalidLiteralsAreRefused() {
        let cases: [ParametersLiteral] = [
            ParametersLiteral(logN: 11, logQ: [40], logP: [40], logScale: 30), // N too small
            ParametersLiteral(logN: 13, logQ: [], logP: [60], logScale: 40),
            ParametersLiteral(logN: 13, logQ: [60, 40], logP: [], logScale: 40),
            ParametersLiteral(logN: 13, logQ: [60, 70], logP: [60], logScale: 40),
            ParametersLiteral(logN: 13, logQ: [30, 40], logP: [60], logScale: 40), // q0 below the scale
            ParametersLiteral(logN: 13, logQ: [60, 40], logP: [60], logScale: 40, security: 100),
        ]
        for literal in cases {
            #expect(throws: CKKSError.self) { try CKKSParameters(literal) }
        }
    }

    @Test func literalRoundTripsThroughJSON() throws {
        let json = #"{"logN": 14, "logQ": [60, 40, 40, 60], "logP": [61], "logScale": 40}"#
        let literal = try JSONDecoder().decode(ParametersLiteral.self, from: Data(json.utf8))
        #expect(literal.logQ == [60, 40, 40, 60])
        let p = try CKKSParameters(literal)
        #expect(p.n == 16384)
        let again = try JSONDecoder().decode(ParametersLiteral.self, from: try JSONEncoder().encode(literal))
        #expect(again == literal)
    }

    @Test func depthBuilderPicksTheSmallestRing() throws {
        let literal = try #require(ParametersLiteral.forDepth(6))
        let p = try CKKSParameters(literal)
        #expect(p.maxLevel == 6)
        #expect(p.n == 16384)
        let shallow = try #require(ParametersLiteral.forDepth(1, logScale: 30, integerBits: 8))
        #expect(try CKKSParameters(shallow).n == 4096)
    }

    @Test func identifiersDifferAcrossParameters() throws {
        let a = try CKKSParameters(preset: .n8192)
        let b = try CKKSParameters(preset: .n16384)
        let a2 = try CKKSParameters(preset: .n8192)
        #expect(a.id != b.id)
        #expect(a.id == a2.id)
    }
}
