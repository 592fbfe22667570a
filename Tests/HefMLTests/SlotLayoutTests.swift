import Foundation
import HefCKKS
import Testing

@testable import HefML

/// The slot layout is computed once by the compiler, stored in the plan, recomputed for files
/// written before it was stored, and checked against the layers when a file is loaded.
@Suite struct SlotLayoutTests {
    func roundTrip(_ data: Data) throws -> CompiledModel {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("hef-layout-\(UUID().uuidString).hef")
        defer { try? FileManager.default.removeItem(at: url) }
        try data.write(to: url)
        return try CompiledModel.load(contentsOf: url)
    }

    /// The JSON of `model` with `edit` applied to its plan object.
    func editedPlan(_ model: CompiledModel, _ edit: (inout [String: Any]) -> Void) throws -> Data {
        var object = try #require(try JSONSerialization.jsonObject(with: try model.jsonData()) as? [String: Any])
        var plan = try #require(object["plan"] as? [String: Any])
        edit(&plan)
        object["plan"] = plan
        return try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    }

    @Test(arguments: [Packing.latency, .throughput])
    func theCompilerStoresTheLayoutAndFilesKeepIt(packing: Packing) throws {
        let compiled = try ModelCompiler(options: .init(packing: packing)).compile(tinyModel())
        let stored = try #require(compiled.plan.layout)
        let layout = try compiled.layout
        #expect(layout.packing == packing)
        #expect(layout.rotationSteps == compiled.plan.rotationSteps)
        #expect(layout.inputCiphertexts == compiled.plan.inputCiphertexts)
        #expect(layout.samplesPerBatch == compiled.plan.samplesPerCiphertext)
        #expect(layout.slots == 1 << (compiled.plan.parameters.logN - 1))
        let loaded = try roundTrip(try compiled.jsonData())
        #expect(loaded.plan.layout == stored)
        #expect(loaded.id == compiled.id)
    }

    @Test(arguments: [Packing.latency, .throughput])
    func filesWithoutALayoutComputeItOnLoadAndKeepTheirID(packing: Packing) throws {
        let compiled = try ModelCompiler(options: .init(packing: packing)).compile(tinyModel())
        let old = try editedPlan(compiled) { $0["layout"] = nil }
        #expect(!String(decoding: old, as: UTF8.self).contains("\"layout\""))
        let loaded = try roundTrip(old)
        #expect(loaded.plan.layout == compiled.plan.layout)
        // The id covers what defines the computation, not the derived layout: ciphertexts made
        // with a model file written before layouts were stored still match.
        #expect(loaded.id == compiled.id)
    }

    @Test func theIDFollowsChanges() throws {
        var compiled = try ModelCompiler().compile(tinyModel())
        let before = compiled.id
        compiled.layers[0].bias[0] += 1
        #expect(compiled.id != before)
        compiled.layers[0].bias[0] -= 1
        #expect(compiled.id == before)
    }

    @Test func aLayoutThatDoesNotMatchTheLayersIsRefused() throws {
        let latency = try ModelCompiler(options: .init(packing: .latency)).compile(tinyModel())
        let throughput = try ModelCompiler(options: .init(packing: .throughput)).compile(tinyModel())
        let throughputLayout = try JSONSerialization.jsonObject(with: try JSONEncoder().encode(throughput.plan.layout))
        let hostile: [(String, (inout [String: Any]) -> Void)] = [
            ("the other packing's layout", { $0["layout"] = throughputLayout }),
            ("no packing named", { $0["layout"] = [String: Any]() }),
            (
                "a wrong period",
                { plan in
                    var layout = plan["layout"] as! [String: Any]
                    var l = layout["latency"] as! [String: Any]
                    l["inputPeriod"] = 0
                    layout["latency"] = l
                    plan["layout"] = layout
                }
            ),
            (
                "a negative slot count",
                { plan in
                    var layout = plan["layout"] as! [String: Any]
                    var l = layout["latency"] as! [String: Any]
                    l["slots"] = -1
                    layout["latency"] = l
                    plan["layout"] = layout
                }
            ),
            (
                "a reversed column range",
                { plan in
                    var layout = plan["layout"] as! [String: Any]
                    var l = layout["latency"] as! [String: Any]
                    var layers = l["layers"] as! [[String: Any]]
                    var parts = layers[0]["parts"] as! [[String: Any]]
                    parts[0]["columns"] = [5, 1]
                    layers[0]["parts"] = parts
                    l["layers"] = layers
                    layout["latency"] = l
                    plan["layout"] = layout
                }
            ),
            (
                "a layer dropped",
                { plan in
                    var layout = plan["layout"] as! [String: Any]
                    var l = layout["latency"] as! [String: Any]
                    l["layers"] = Array((l["layers"] as! [Any]).prefix(1))
                    layout["latency"] = l
                    plan["layout"] = layout
                }
            ),
        ]
        for (name, edit) in hostile {
            let data = try editedPlan(latency, edit)
            #expect(throws: ModelError.self, "\(name)") { _ = try roundTrip(data) }
        }
    }
}

/// Files without a stored layout are checked before anything is derived from their layers.
@Suite struct SlotLayoutHostileFileTests {
    @Test(arguments: [Packing.latency, .throughput])
    func inconsistentLayersWithoutALayoutAreRefusedNotDerived(packing: Packing) throws {
        let compiled = try ModelCompiler(options: .init(packing: packing)).compile(tinyModel())
        let tests = SlotLayoutTests()
        let edits: [(String, (inout [String: Any]) -> Void)] = [
            (
                "a short weight row",
                { model in
                    var layers = model["layers"] as! [[String: Any]]
                    var weights = layers[0]["weights"] as! [[Double]]
                    weights[0].removeLast()
                    layers[0]["weights"] = weights
                    model["layers"] = layers
                }
            ),
            ("a layer dropped", { model in model["layers"] = Array((model["layers"] as! [Any]).prefix(1)) }),
            (
                "a huge input size",
                { model in
                    var source = model["source"] as! [String: Any]
                    source["inputSize"] = Int.max
                    model["source"] = source
                }
            ),
        ]
        for (name, edit) in edits {
            var object = try #require(try JSONSerialization.jsonObject(with: try compiled.jsonData()) as? [String: Any])
            var plan = try #require(object["plan"] as? [String: Any])
            plan["layout"] = nil
            object["plan"] = plan
            edit(&object)
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            let decoded = try JSONDecoder().decode(CompiledModel.self, from: data)
            #expect(decoded.plan.layout == nil, "\(name)")
            #expect(throws: ModelError.self, "\(name)") { _ = try decoded.layout }
            #expect(throws: ModelError.self, "\(name)") { _ = try tests.roundTrip(data) }
        }
    }
}
