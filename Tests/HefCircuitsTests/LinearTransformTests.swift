import Foundation
import HefCKKS
import HefRing
import Testing

@testable import HefCircuits

func matVec(_ m: [[Double]], _ x: [Double]) -> [Double] {
    m.map { row in zip(row, x).reduce(0) { $0 + $1.0 * $1.1 } }
}

func randomMatrix(_ rows: Int, _ cols: Int, seed: UInt64) -> [[Double]] {
    let norm: Double = Double(max(1, cols)).squareRoot()
    var m: [[Double]] = []
    for r in 0..<rows {
        let rowSeed: UInt64 = seed &* 1000 &+ UInt64(r)
        m.append(randomValues(cols, seed: rowSeed).map { $0 / norm })
    }
    return m
}

@Suite struct LinearTransformTests {
    static let parameters = try! circuitParameters(logN: 10, logQ: [55, 40, 40])

    /// Checks M·x + b in every block of the replicated output, zeros beyond the rows.
    func check(rows: Int, cols: Int, d: Int, bias: Bool, seed: UInt64) throws {
        let slots = Self.parameters.maxSlots
        let m = randomMatrix(rows, cols, seed: seed)
        let lt = try LinearTransform(matrix: m, blockSize: d, slots: slots)
        // Keys for exactly the transform's steps: anything else would throw missingRotationKey.
        let f = try Fixture.circuit(Self.parameters, rotations: lt.rotationSteps)
        let x = randomValues(cols, seed: seed + 1)
        let xPadded = x + [Double](repeating: 0, count: d - cols)
        let ct = try f.encrypt((0..<slots).map { xPadded[$0 % d] }, slots: slots)
        let b = bias ? randomValues(rows, seed: seed + 2) : nil
        let y = try lt.evaluate(ct, evaluator: f.evaluator, bias: b)
        #expect(y.level == ct.level - 1)
        #expect(abs(y.scale - ct.scale) <= 1e-9 * ct.scale)
        var want = matVec(m, x)
        if let b { want = zip(want, b).map { $0 + $1 } }
        want += [Double](repeating: 0, count: d - rows)
        let got = try f.decrypt(y)
        let stats = PrecisionStats(got, (0..<slots).map { want[$0 % d] })
        testLog("LT \(rows)×\(cols) D=\(d) n1=\(lt.babyStep) steps=\(lt.rotationSteps.count): \(stats)")
        #expect(stats.minBits > 20, "\(rows)×\(cols) in D=\(d): \(stats)")
    }

    @Test(arguments: [8, 16, 32, 64])
    func square(d: Int) throws {
        try check(rows: d, cols: d, d: d, bias: false, seed: UInt64(d))
        try check(rows: d, cols: d, d: d, bias: true, seed: UInt64(d) + 50)
    }

    @Test func rectangular() throws {
        try check(rows: 10, cols: 30, d: 32, bias: true, seed: 11)
        try check(rows: 64, cols: 5, d: 64, bias: true, seed: 12)
        try check(rows: 3, cols: 8, d: 8, bias: false, seed: 13)
        try check(rows: 512, cols: 300, d: 512, bias: true, seed: 14)
    }

    @Test func rotationStepsAreExact() throws {
        // A band matrix: diagonals 0, 1 and D−1 only.
        let d = 64
        var m = [[Double]](repeating: [Double](repeating: 0, count: d), count: d)
        for i in 0..<d {
            m[i][i] = 1
            m[i][(i + 1) % d] = 0.5
            m[i][(i + d - 1) % d] = -0.25
        }
        let lt = try LinearTransform(matrix: m, blockSize: d, slots: Self.parameters.maxSlots, babyStep: 8)
        #expect(lt.diagonalCount == 3)
        #expect(lt.rotationSteps == [1, 7, 56])
        // Dropping any one key makes the evaluation fail.
        let f = try Fixture.circuit(Self.parameters, rotations: [1, 7])
        let ct = try f.encrypt([Double](repeating: 0.5, count: Self.parameters.maxSlots))
        #expect(throws: CKKSError.missingRotationKey(step: 56)) { try lt.evaluate(ct, evaluator: f.evaluator) }
    }

    /// With two operation threads the giant steps run side by side; they are summed in order,
    /// so the output is the same words as with one thread.
    @Test func giantStepsSideBySideGiveTheSameWords() throws {
        let slots = Self.parameters.maxSlots
        let d = 64
        let m = randomMatrix(d, d, seed: 41)
        let lt = try LinearTransform(matrix: m, blockSize: d, slots: slots, babyStep: 8)
        #expect(lt.giantSteps.count >= 7)
        let f = try Fixture.circuit(Self.parameters, rotations: lt.rotationSteps)
        let x = randomValues(d, seed: 42)
        let ct = try f.encrypt((0..<slots).map { x[$0 % d] })
        let previous = Parallelism.operationThreads
        defer { Parallelism.setOperationThreads(previous) }
        let bias = randomValues(d, seed: 43)
        Parallelism.setOperationThreads(1)
        let one = try lt.evaluate(ct, evaluator: f.evaluator, bias: bias)
        Parallelism.setOperationThreads(2)
        let two = try lt.evaluate(ct, evaluator: f.evaluator, bias: bias)
        #expect(one.polys.map(\.data) == two.polys.map(\.data))
        let want = zip(matVec(m, x), bias).map { $0 + $1 }
        let stats = PrecisionStats(try f.decrypt(two), (0..<slots).map { want[$0 % d] })
        #expect(stats.minBits > 20, "\(stats)")
    }

    @Test func foldPeriod() throws {
        let slots = Self.parameters.maxSlots
        let d = 64
        let rows = 12
        let m = randomMatrix(rows, d, seed: 21)
        let lt = try LinearTransform(matrix: m, blockSize: d, slots: slots)
        let fold = try LinearTransform.foldSteps(from: d, to: 16)
        #expect(fold == [32, 16])
        let f = try Fixture.circuit(Self.parameters, rotations: lt.rotationSteps + fold)
        let x = randomValues(d, seed: 22)
        let ct = try f.encrypt((0..<slots).map { x[$0 % d] })
        let y = try LinearTransform.foldPeriod(
            try lt.evaluate(ct, evaluator: f.evaluator), from: d, to: 16, evaluator: f.evaluator)
        let want = matVec(m, x) + [Double](repeating: 0, count: 16 - rows)
        let stats = PrecisionStats(try f.decrypt(y), (0..<slots).map { want[$0 % 16] })
        #expect(stats.minBits > 20, "\(stats)")
    }

    @Test func tiled() throws {
        // N = 2^8: 128 slots; a 300×200 layer spans 2 input and 3 output ciphertexts.
        let params = try circuitParameters(logN: 8, logQ: [55, 40, 40])
        let slots = params.maxSlots
        let m = randomMatrix(300, 200, seed: 31)
        let lt = try TiledLinearTransform(matrix: m, slots: slots)
        #expect(lt.inputCount == 2 && lt.outputCount == 3)
        let f = try Fixture.circuit(params, rotations: lt.rotationSteps)
        let x = randomValues(200, seed: 32)
        let bias = randomValues(300, seed: 33)
        let cts = try lt.split(x).map { try f.encrypt($0, slots: slots) }
        let ys = try lt.evaluate(cts, evaluator: f.evaluator, bias: bias)
        #expect(ys.count == 3)
        let want = zip(matVec(m, x), bias).map { $0 + $1 }
        var got: [Double] = []
        for y in ys {
            #expect(y.level == cts[0].level - 1)
            got += try f.decrypt(y)
        }
        let stats = PrecisionStats(got, want + [Double](repeating: 0, count: 3 * slots - 300))
        testLog("tiled: \(stats), steps \(lt.rotationSteps.count)")
        #expect(stats.minBits > 18, "\(stats)")
    }

    @Test func encodedReuseAndLinearCombinationLayer() throws {
        let slots = Self.parameters.maxSlots
        let d = 16
        let m = randomMatrix(d, d, seed: 41)
        let lt = try LinearTransform(matrix: m, blockSize: d, slots: slots)
        let f = try Fixture.circuit(Self.parameters, rotations: lt.rotationSteps)
        let enc = try lt.encoded(context: f.context, level: 1)
        let x = randomValues(d, seed: 42)
        let ct = try f.encrypt((0..<slots).map { x[$0 % d] }) // top level 2: dropped to 1
        let y = try lt.evaluate(ct, evaluator: f.evaluator, encoded: enc)
        #expect(y.level == 0)
        let want = matVec(m, x)
        #expect(PrecisionStats(try f.decrypt(y), (0..<slots).map { want[$0 % d] }).minBits > 20)
    }
}
