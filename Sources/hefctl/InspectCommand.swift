import ArgumentParser
import Foundation
import HefCKKS
import HefML

struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Describe a Hef file: kind, parameters, key id, levels, scales, slots, sizes.",
        discussion: """
            Works on every kind of file without any key.
            Example:
              hefctl inspect data.ct
            """)

    @Argument(help: "The file to describe.")
    var file: String

    func run() throws {
        try reportingErrors {
            let bytes = try readFile(file)
            if ModelCiphertexts.isModelCiphertexts(bytes) {
                let m = try withFile(file) { try ModelCiphertexts.summary(bytes) }
                let kind: String
                switch m.stage {
                case .inputs: kind = "inputs"
                case .outputs: kind = "results"
                case .refreshRequest: kind = "refresh request"
                case .refreshed: kind = "refreshed intermediates"
                }
                print("kind          model \(kind) (encrypted), \(bytes.count) bytes")
                print("stage: \(m.stage.name)")
                if m.stage == .refreshRequest || m.stage == .refreshed {
                    print("segment       \(m.segment + 1) runs next")
                }
                print("model id      \(hex16(m.modelID))")
                print("samples       \(m.samples) in \(m.batches) batch\(m.batches == 1 ? "" : "es")")
                if let inner = m.ciphertextFile, let s = try? HefFile.inspect(inner) {
                    print("parameters    \(literalDescription(s.literal))")
                    print("key id        \(hex16(s.keyID))")
                    let scope = m.version >= 3 ? "ciphertexts " : "batch 1     "
                    print(
                        "\(scope)  \(s.ciphertexts.count) ciphertext\(s.ciphertexts.count == 1 ? "" : "s"), level \(s.ciphertexts.first?.level ?? 0)"
                    )
                }
                return
            }
            if bytes.first == UInt8(ascii: "{"), let model = try? ModelFlow.loadCompiled(file) {
                print(ModelFlow.describe(model))
                return
            }
            let s = try withFile(file) { try HefFile.inspect(bytes) }
            print("kind          \(s.kind)")
            print("format        version \(s.version), \(s.byteCount) bytes")
            print("parameters    \(literalDescription(s.literal))")
            print("parameter id  \(hex16(s.parametersID))")
            if s.kind != .parameters && s.kind != .plaintext { print("key id        \(hex16(s.keyID))") }
            let n = 1 << s.literal.logN
            switch s.kind {
            case .publicKey:
                print("a             \(s.seeded == true ? "stored as a 32-byte seed" : "stored in full")")
            case .evaluationKeys:
                print("relinearize   \(s.hasRelinearizationKey == true ? "yes" : "no")")
                let steps = rotationSteps(s.galoisElements, n: n)
                print(
                    "galois keys   \(s.galoisElements.count)\(steps.isEmpty ? "" : ": " + steps.joined(separator: ", "))"
                )
            case .ciphertexts, .plaintext:
                if s.kind == .ciphertexts { print("ciphertexts   \(s.ciphertexts.count)") }
                for (i, c) in s.ciphertexts.prefix(20).enumerated() {
                    let label = s.kind == .plaintext ? "plaintext" : "#\(i + 1)"
                    let extra =
                        s.kind == .plaintext
                        ? "" : ", \(c.size) polys\(c.seeded ? " (seeded)" : ""), \(c.valueCount) values"
                    print(
                        "  \(label): level \(c.level), scale 2^\(String(format: "%.2f", log2(c.scale))), \(c.slots) slots\(extra)"
                    )
                }
                if s.ciphertexts.count > 20 { print("  … \(s.ciphertexts.count - 20) more") }
            case .encapsulationKeys:
                print(
                    "holds         the dense-to-sparse key (over q_0·p_0, seeded) and the sparse-to-dense key (bootstrapping)"
                )
            case .parameters, .secretKey:
                break
            }
        }
    }

    /// Names Galois elements by the left rotation of N/2-slot vectors they perform.
    func rotationSteps(_ elements: [Int], n: Int) -> [String] {
        let twoN = 2 * n
        var stepOf: [Int: Int] = [:]
        var g = 1
        for k in 0..<(n / 2) {
            stepOf[g] = k
            g = g * 5 % twoN
        }
        return elements.map { e in
            if e == twoN - 1 { return "conjugation" }
            guard let k = stepOf[e] else { return "g=\(e)" }
            return k > n / 4 ? "\(k - n / 2)" : "\(k)"
        }
    }
}
