import Foundation
import HefCKKS
import HefTestSupport
import Testing

@testable import HefML

/// One rule for "the smallest secure parameters for a depth": the planner and
/// `ParametersLiteral.forDepth` both call `ParametersLiteral.smallestSecure`.
@Suite struct PlannerTests {
    static func compiled(_ name: String, _ packing: Packing) throws -> CompiledModel {
        let dir = modelsDirectory().appendingPathComponent(name)
        let model = try MLPModel.load(contentsOf: dir.appendingPathComponent("model.json"))
        let calibration = try readCSV(dir.appendingPathComponent("calibration_X.csv"))
        return try ModelCompiler(options: .init(packing: packing)).compile(model, calibration: calibration)
    }

    /// The parameters the bundled models got before the planner and forDepth shared one rule
    /// (README's table: N = 8192 depth 3 for the square models, N = 32768 depth 15 for tanh).
    @Test(arguments: [Packing.latency, .throughput])
    func bundledModelsKeepTheirParameters(packing: Packing) throws {
        let square = try Self.compiled("digits-square", packing).plan.parameters
        #expect(square == ParametersLiteral(logN: 13, logQ: [52, 36, 36, 36], logP: [52], logScale: 36))
        let breast = try Self.compiled("breast-cancer-square", packing).plan.parameters
        #expect(breast == square)
        let tanh = try Self.compiled("digits-tanh", packing).plan.parameters
        #expect(
            tanh
                == ParametersLiteral(
                    logN: 15, logQ: [56] + Array(repeating: 40, count: 15), logP: Array(repeating: 56, count: 4),
                    logScale: 40))
    }

    @Test func plannerAndForDepthUseTheSameRule() throws {
        for depth in [0, 1, 3, 6, 15, 30] {
            let planner = Planner.parameters(depth: depth)
            #expect(
                planner
                    == ParametersLiteral.smallestSecure(
                        depth: depth, logScales: Planner.logScales, integerBits: Planner.integerBits,
                        maxSpecialPrimes: Planner.maxSpecialPrimes))
            let forDepth = ParametersLiteral.forDepth(depth)
            #expect(forDepth == ParametersLiteral.smallestSecure(depth: depth))
            for literal in [planner, forDepth].compactMap({ $0 }) {
                let p = try CKKSParameters(literal)
                #expect(p.maxLevel == depth)
                // The smallest ring: the next smaller one holds no set of the rule.
                if literal.logN > 12 {
                    #expect(
                        ParametersLiteral.smallestSecure(
                            depth: depth, logScales: [Int(literal.logScale)],
                            integerBits: literal.logQ[0] - Int(literal.logScale),
                            logNs: 12...(literal.logN - 1)) == nil)
                }
            }
        }
        #expect(ParametersLiteral.smallestSecure(depth: -1) == nil)
        #expect(ParametersLiteral.smallestSecure(depth: 200) == nil)
        // A ring the caller refuses is skipped.
        let skipped = try #require(
            ParametersLiteral.smallestSecure(depth: 1, logScales: [30], integerBits: 8, admits: { $0 > 12 }))
        #expect(skipped.logN == 13)
    }
}
