import Foundation
import HefCKKS
import Testing

@testable import HefCircuits

@Suite struct DiagonalScheduleTests {
    /// A map with the 15 diagonals −7…7 of a 64-slot view (a DFT factor's shape), evaluated
    /// with separate and with chained giant steps (n1 = 2: giants −4…3), each with exactly its
    /// own rotation keys: both give the map's values, and chaining needs two giant keys, not seven.
    @Test func chainedAndSeparateGiantsComputeTheMap() throws {
        let parameters = try circuitParameters(logN: 10, logQ: [55, 40, 40])
        let v = 64
        var diagonals: [Int: [Complex]] = [:]
        for (i, offset) in (-7...7).enumerated() {
            let values = randomValues(v, seed: 70 + UInt64(i)).map { Complex($0 / 8) }
            diagonals[(offset + v) % v] = values
        }
        let map = SlotDiagonals(size: v, diagonals: diagonals)
        let x = randomValues(v, seed: 90)
        let want = map.apply(x.map { Complex($0) }).map(\.re)
        let level = parameters.maxLevel
        var keyCounts: [Bool: Int] = [:]
        for chained in [false, true] {
            let schedule = DiagonalSchedule(babyStep: 2, chained: chained)
            #expect(schedule.giants(of: map) == Set(-4...3))
            let steps = schedule.rotationSteps(of: map)
            keyCounts[chained] = steps.count
            let f = try Fixture.circuit(parameters, rotations: steps.sorted(), slots: v)
            let encoded = try EncodedSlotDiagonals(
                map, schedule: schedule, context: f.context, level: level,
                plainScale: Double(parameters.q[level]))
            let y = try encoded.evaluate(try f.encrypt(x, slots: v), evaluator: f.evaluator)
            let stats = PrecisionStats(try f.decrypt(y), want)
            #expect(stats.minBits > 20, "chained \(chained): \(stats)")
        }
        #expect(keyCounts[false] == 1 + 7) // baby 1, giants ±2·(1…4) but 0
        #expect(keyCounts[true] == 1 + 2) // baby 1, giants 2 and −2
    }

    /// boot16's bootstrapping keys above SlotsToCoeffs' levels, by slot count: the budget that
    /// keeps 1,024 slots' keys under 1 GiB when sent (26 of them at 1,024 slots before chaining).
    @Test func boot16TopLevelKeysStayFew() throws {
        let parameters = try CKKSParameters(BootstrapPreset.boot16.literal)
        let context = CKKSContext(parameters: parameters)
        for (slots, most) in [(64, 19), (1024, 21), (32768, 24)] {
            let levels = try Bootstrapper.galoisKeyLevels(
                context: context, slots: slots, configuration: BootstrapPreset.boot16.configuration)
            let high = levels.values.filter { $0 >= 19 }.count
            #expect(high <= most, "\(slots) slots: \(high) keys at level 19 or above")
        }
    }
}
