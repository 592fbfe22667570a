import Testing
import Foundation
@testable import HefCKKS

@Test func scratchTiming() throws {
    guard ProcessInfo.processInfo.environment["HEF_SCRATCH"] != nil else { return }
    for preset in [ParametersPreset.n8192, .n16384] {
      for backend in [NativeBackend() as any RingBackend, SwiftBackend()] {
        let f = try Fixture(try CKKSParameters(preset: preset), backend: backend, rotations: [1])
        let slots = f.context.parameters.maxSlots
        let x = randomValues(slots, seed: 21)
        func t(_ name: String, _ reps: Int = 30, _ body: () throws -> Void) rethrows -> String {
            var times: [Double] = []
            for _ in 0..<reps { let s = DispatchTime.now().uptimeNanoseconds; try body(); times.append(Double(DispatchTime.now().uptimeNanoseconds - s) / 1e6) }
            times.sort()
            return "\(name)=\(String(format: "%.3f", times[reps/2]))"
        }
        let pt = try f.context.encode(x)
        let a = try f.encrypt(x), b = try f.encrypt(x)
        let ab = try f.evaluator.multiplyRelinearize(a, b)
        var out: [String] = []
        out.append(try t("encode") { _ = try f.context.encode(x) })
        out.append(try t("encrypt") { _ = try f.encryptor.encrypt(pt, publicKey: f.publicKey) })
        out.append(try t("decrypt") { _ = try f.decrypt(a) })
        out.append(try t("add") { _ = try f.evaluator.add(a, b) })
        out.append(try t("mul_plain") { _ = try f.evaluator.multiply(a, pt) })
        out.append(try t("mul_relin") { _ = try f.evaluator.multiplyRelinearize(a, b) })
        out.append(try t("rescale") { _ = try f.evaluator.rescale(ab) })
        out.append(try t("rotate") { _ = try f.evaluator.rotate(a, by: 1) })
        var data = pt.poly.data
        out.append(t("ntt") { data.withUnsafeMutableBufferPointer { backend.forwardNTT($0.baseAddress!, tables: f.context.basisQ.tables[0]) } })
        print(preset, backend.name, out.joined(separator: " "))
      }
    }
}

@Test func scratchProfileRotate() throws {
    guard ProcessInfo.processInfo.environment["HEF_PROFILE"] != nil else { return }
    let f = try Fixture(try CKKSParameters(preset: .n8192), backend: NativeBackend(), rotations: [1])
    let a = try f.encrypt(randomValues(4096, seed: 1)), b = try f.encrypt(randomValues(4096, seed: 2))
    for _ in 0..<10 { _ = try f.evaluator.rotate(a, by: 1); _ = try f.evaluator.multiplyRelinearize(a, b) }
}
