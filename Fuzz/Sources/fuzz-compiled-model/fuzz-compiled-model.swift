import Foundation
import FuzzSupport

/// Compiled models (`MODEL.hef`): the JSON decode and the checks of `CompiledModel.load(contentsOf:)`
/// (Sources/HefML/Compile/CompiledModel+IO.swift), on bytes instead of a file, then what
/// `hefctl model inspect` computes from a loaded model.
func load(_ data: Data) throws -> CompiledModel {
    let model: CompiledModel
    do { model = try JSONDecoder().decode(CompiledModel.self, from: data) } catch {
        throw ModelError.unsupportedFormat("not a compiled Hef model")
    }
    guard model.format == CompiledModel.formatName else { throw ModelError.unsupportedFormat("format") }
    guard model.version == CompiledModel.currentVersion else { throw ModelError.unsupportedFormat("version") }
    try model.source.validate()
    guard model.plan.layoutVersion == InferencePlan.currentLayoutVersion else {
        throw ModelError.unsupportedFormat("layout")
    }
    return model
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(bytes: data, count: size)
    Fuzz.expectTyped([Fuzz.model]) {
        let model = try load(bytes)
        _ = model.id
        // A stored slot layout is returned as is; without one, the model is checked first.
        _ = try model.layout
        _ = (model.inputSize, model.outputSize, model.source.outputSize)
        for layer in model.layers {
            _ = layer.activation.depth
            if case .chebyshev(let c) = layer.activation { _ = (c.degree, c.depth) }
        }
    }
    return 0
}
