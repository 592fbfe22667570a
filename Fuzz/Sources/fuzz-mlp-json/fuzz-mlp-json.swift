import Foundation
import FuzzSupport

/// Hef JSON models: the decode and `validate()` of `MLPModel.load(contentsOf:)` on bytes, then
/// a plaintext prediction of a zero row (what `hefctl model` does first with a model).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(bytes: data, count: size)
    let model: MLPModel
    do { model = try JSONDecoder().decode(MLPModel.self, from: bytes) } catch is DecodingError {
        return 0 // load(contentsOf:) turns it into ModelError.unsupportedFormat
    } catch {
        fatalError("JSONDecoder threw \(type(of: error)): \(error)")
    }
    Fuzz.expectTyped([Fuzz.model]) {
        try model.validate()
        _ = (model.outputSize, model.layers.map { $0.activation.isPolynomial })
    }
    return 0
}
