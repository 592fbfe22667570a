import Foundation
import FuzzSupport

/// ONNX files: `ONNXImporter.model(from:)` (protobuf decode, graph index, walker, folding), then
/// `validate()` of what it returns.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Fuzz.bytes(data, size)
    Fuzz.expectTyped([Fuzz.onnx, Fuzz.model]) {
        let model = try ONNXImporter.model(from: bytes)
        try model.validate()
    }
    return 0
}
