import Foundation
import HefML

/// Attribute look-up on ONNX nodes. Reads the value fields directly, so that files written
/// before the `type` discriminator existed (IR version 1) decode too.
extension Onnx_NodeProto {
    /// The node's name, or a description when the exporter left it empty.
    var displayName: String {
        if !name.isEmpty { return name }
        return "\(opType) → \(output.first ?? "?")"
    }

    func attribute(_ name: String) -> Onnx_AttributeProto? {
        attribute.first { $0.name == name }
    }

    func intAttribute(_ name: String, default value: Int) -> Int {
        guard let a = attribute(name), a.hasI else { return value }
        return Int(clamping: a.i)
    }

    func floatAttribute(_ name: String, default value: Double) -> Double {
        guard let a = attribute(name), a.hasF else { return value }
        return Double(a.f)
    }

    func stringAttribute(_ name: String) -> String? {
        guard let a = attribute(name), a.hasS else { return nil }
        return String(decoding: a.s, as: UTF8.self)
    }

    func floatsAttribute(_ name: String) -> [Double]? {
        guard let a = attribute(name), !a.floats.isEmpty else { return nil }
        return a.floats.map(Double.init)
    }

    func intsAttribute(_ name: String) -> [Int64]? {
        guard let a = attribute(name), !a.ints.isEmpty else { return nil }
        return a.ints
    }

    func stringsAttribute(_ name: String) -> [String]? {
        guard let a = attribute(name), !a.strings.isEmpty else { return nil }
        return a.strings.map { String(decoding: $0, as: UTF8.self) }
    }

    func tensorAttribute(_ name: String) -> Onnx_TensorProto? {
        guard let a = attribute(name), a.hasT else { return nil }
        return a.t
    }
}
