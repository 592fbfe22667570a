import Foundation
import HefML

/// Evaluates nodes whose inputs are all constants (`Constant` nodes, and the shape or
/// arithmetic operations some exporters leave on weights), so that the layers see plain
/// tensors.
enum ONNXConstantFolding {
    /// The value of a `Constant` node.
    static func constantNode(_ node: Onnx_NodeProto) throws -> ONNXTensor {
        let name = node.output.first ?? node.displayName
        if let t = node.tensorAttribute("value") { return try ONNXTensor(t, name: name) }
        if let a = node.attribute("value_float"), a.hasF {
            return ONNXTensor(name: name, shape: [], values: [Double(a.f)])
        }
        if let v = node.floatsAttribute("value_floats") { return ONNXTensor(name: name, shape: [v.count], values: v) }
        if let a = node.attribute("value_int"), a.hasI {
            return ONNXTensor(name: name, shape: [], values: [Double(a.i)], isInteger: true)
        }
        if let v = node.intsAttribute("value_ints") {
            return ONNXTensor(name: name, shape: [v.count], values: v.map { Double($0) }, isInteger: true)
        }
        if let s = node.stringAttribute("value_string") { return ONNXTensor(name: name, shape: [], strings: [s]) }
        if let v = node.stringsAttribute("value_strings") {
            return ONNXTensor(name: name, shape: [v.count], strings: v)
        }
        throw ONNXImportError.unsupportedPattern(
            node: node.displayName,
            reason:
                "Constant node without a value attribute Hef reads (value, value_float(s), value_int(s), value_string(s))"
        )
    }

    /// Folds one node over constant inputs (nil for absent optional inputs).
    static func evaluate(_ node: Onnx_NodeProto, _ inputs: [ONNXTensor?]) throws -> ONNXTensor {
        let op = node.opType
        let output = node.output.first ?? node.displayName
        func operand(_ i: Int) throws -> ONNXTensor {
            guard i < inputs.count, let t = inputs[i] else {
                throw ONNXImportError.unsupportedPattern(node: node.displayName, reason: "\(op) is missing input \(i)")
            }
            return t
        }
        func numeric(_ t: ONNXTensor) throws -> ONNXTensor {
            guard t.strings == nil else {
                throw ONNXImportError.unsupportedPattern(
                    node: node.displayName, reason: "arithmetic on the string tensor \"\(t.name)\"")
            }
            return t
        }
        var result: ONNXTensor
        switch op {
        case "Identity", "Cast":
            result = try operand(0)
            if op == "Cast", result.strings == nil {
                result.isInteger = !ONNXDataType.isFloatingPoint(
                    Int64(node.intAttribute("to", default: Int(ONNXDataType.float))))
                if result.isInteger { result.values = result.values.map { $0.rounded(.towardZero) } }
            }
        case "Reshape":
            result = try operand(0)
            let target = try operand(1).integers(node: node.displayName)
            result.shape = try resolveReshape(target, from: result.shape, count: result.count, node: node)
        case "Flatten":
            result = try operand(0)
            let axis = node.intAttribute("axis", default: 1)
            let rank = result.shape.count
            let a = axis < 0 ? axis + rank : axis
            guard a >= 0, a <= rank else {
                throw ONNXImportError.unsupportedPattern(
                    node: node.displayName, reason: "Flatten axis \(axis) for rank \(rank)")
            }
            guard let rows = ONNXTensor.product(result.shape[..<a]), let cols = ONNXTensor.product(result.shape[a...])
            else {
                throw ONNXImportError.shapeMismatch(
                    node: node.displayName, detail: "Flatten of shape \(result.shape) overflows")
            }
            result.shape = [rows, cols]
        case "Squeeze":
            result = try operand(0)
            result.shape = result.shape.filter { $0 != 1 }
        case "Unsqueeze":
            result = try operand(0)
            var axes = node.intsAttribute("axes")?.map { Int($0) } ?? []
            if axes.isEmpty, inputs.count > 1 { axes = try operand(1).integers(node: node.displayName) }
            var shape = result.shape
            let rank = shape.count + axes.count
            for axis in axes.map({ $0 < 0 ? $0 + rank : $0 }).sorted() {
                guard axis >= 0, axis <= shape.count else {
                    throw ONNXImportError.unsupportedPattern(node: node.displayName, reason: "Unsqueeze axis \(axis)")
                }
                shape.insert(1, at: axis)
            }
            result.shape = shape
        case "Transpose":
            let t = try numeric(try operand(0))
            guard t.shape.count <= 2 else {
                throw ONNXImportError.unsupportedPattern(
                    node: node.displayName, reason: "Transpose of a rank-\(t.shape.count) constant")
            }
            if t.shape.count < 2 {
                result = t
                break
            }
            let (r, c) = (t.shape[0], t.shape[1])
            var values = [Double](repeating: 0, count: t.count)
            for i in 0..<r { for j in 0..<c { values[j * r + i] = t.values[i * c + j] } }
            result = ONNXTensor(name: output, shape: [c, r], values: values, isInteger: t.isInteger)
        case "Neg", "Sqrt", "Reciprocal":
            var t = try numeric(try operand(0))
            let f: (Double) -> Double = op == "Neg" ? { -$0 } : op == "Sqrt" ? { $0.squareRoot() } : { 1 / $0 }
            t.values = t.values.map(f)
            result = t
        case "Add", "Sub", "Mul", "Div", "Pow":
            let a = try numeric(try operand(0))
            let b = try numeric(try operand(1))
            guard a.count == b.count || a.count == 1 || b.count == 1 else {
                throw ONNXImportError.shapeMismatch(
                    node: node.displayName, detail: "\(op) of constants with shapes \(a.shape) and \(b.shape)")
            }
            let f: (Double, Double) -> Double
            switch op {
            case "Add": f = (+)
            case "Sub": f = (-)
            case "Mul": f = (*)
            case "Div": f = (/)
            default: f = { Foundation.pow($0, $1) }
            }
            let n = max(a.count, b.count)
            let values = (0..<n).map { f(a.values[a.count == 1 ? 0 : $0], b.values[b.count == 1 ? 0 : $0]) }
            result = ONNXTensor(
                name: output, shape: a.count >= b.count ? a.shape : b.shape, values: values,
                isInteger: a.isInteger && b.isInteger && op != "Div")
        default:
            throw ONNXImportError.unsupportedOperator(op: op, node: node.displayName)
        }
        result.name = output
        return result
    }

    /// `Reshape` target dims with 0 (copy) and −1 (infer) resolved.
    static func resolveReshape(_ target: [Int], from shape: [Int], count: Int, node: Onnx_NodeProto) throws -> [Int] {
        var dims = target.enumerated().map { i, d in d == 0 && i < shape.count ? shape[i] : d }
        guard let known = ONNXTensor.product(dims.filter { $0 != -1 }) else {
            throw ONNXImportError.shapeMismatch(node: node.displayName, detail: "cannot reshape \(shape) to \(target)")
        }
        if let wildcard = dims.firstIndex(of: -1) {
            guard known > 0, count % known == 0 else {
                throw ONNXImportError.shapeMismatch(
                    node: node.displayName, detail: "cannot reshape \(shape) to \(target)")
            }
            dims[wildcard] = count / known
        }
        guard dims.allSatisfy({ $0 >= 0 }), ONNXTensor.product(dims) == count else {
            throw ONNXImportError.shapeMismatch(node: node.displayName, detail: "cannot reshape \(shape) to \(target)")
        }
        return dims
    }
}
