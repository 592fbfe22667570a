import Foundation
import HefML

/// A constant tensor of an ONNX graph (initializer, `Constant` node, or folded constant),
/// decoded to Doubles (numeric types) or Strings (`STRING`), row-major.
struct ONNXTensor: Sendable {
    var name: String
    var shape: [Int]
    var values: [Double]
    /// Set for STRING tensors (then `values` is empty).
    var strings: [String]?
    /// True for integer element types (labels print without a decimal point).
    var isInteger: Bool

    init(name: String, shape: [Int], values: [Double], isInteger: Bool = false) {
        self.name = name
        self.shape = shape
        self.values = values
        self.strings = nil
        self.isInteger = isInteger
    }

    init(name: String, shape: [Int], strings: [String]) {
        self.name = name
        self.shape = shape
        self.values = []
        self.strings = strings
        self.isInteger = false
    }

    var count: Int { strings?.count ?? values.count }

    /// The single value of a one-element tensor.
    var scalar: Double? { strings == nil && values.count == 1 ? values[0] : nil }

    /// The elements as label strings: integers without a decimal point.
    var labelStrings: [String] {
        if let strings { return strings }
        return values.map(Self.labelString)
    }

    static func labelString(_ v: Double) -> String {
        if v.rounded() == v, abs(v) < 1e15 { return String(Int64(v)) }
        return "\(v)"
    }
}

// Element types, TensorProto.DataType numbers.
enum ONNXDataType {
    static let float: Int32 = 1, uint8: Int32 = 2, int8: Int32 = 3, uint16: Int32 = 4
    static let int16: Int32 = 5, int32: Int32 = 6, int64: Int32 = 7, string: Int32 = 8
    static let bool: Int32 = 9, float16: Int32 = 10, double: Int32 = 11, uint32: Int32 = 12
    static let uint64: Int32 = 13, bfloat16: Int32 = 16

    static func isFloatingPoint(_ t: Int64) -> Bool {
        t == Int64(float) || t == Int64(double) || t == Int64(float16) || t == Int64(bfloat16)
    }
}

extension ONNXTensor {
    /// Largest element count accepted (guards against corrupt `dims`).
    static let maximumCount = 1 << 28

    /// Decodes a `TensorProto`: `raw_data` (little-endian, fixed width) or the typed repeated
    /// fields (`float_data`, `double_data`, `int32_data`, `int64_data`, `uint64_data`,
    /// `string_data`).
    init(_ proto: Onnx_TensorProto, name fallbackName: String? = nil) throws {
        let name = proto.name.isEmpty ? (fallbackName ?? "(unnamed)") : proto.name
        func fail(_ reason: String) -> ONNXImportError { .badTensor(name: name, reason: reason) }

        var count = 1
        for d in proto.dims {
            guard d >= 0, d <= Int64(Self.maximumCount) else { throw fail("invalid dimension \(d)") }
            let (product, overflow) = count.multipliedReportingOverflow(by: Int(d))
            guard !overflow, product <= Self.maximumCount else {
                throw fail("too many elements (dims \(proto.dims))")
            }
            count = product
        }
        let shape = proto.dims.map { Int($0) }
        if proto.dataLocation == .external || !proto.externalData.isEmpty {
            throw fail("data stored in an external file is not supported; save the model with the weights inside")
        }

        let raw = proto.hasRawData ? proto.rawData : nil
        func rawElements(_ width: Int) throws -> Data? {
            guard let raw else { return nil }
            guard raw.count == count * width else {
                throw fail("raw_data has \(raw.count) bytes, expected \(count) × \(width)")
            }
            return raw
        }
        func checked(_ values: [Double], field: String) throws -> [Double] {
            guard values.count == count else {
                throw fail("\(field) has \(values.count) elements, dims \(shape) need \(count)")
            }
            return values
        }

        let type = proto.dataType
        switch type {
        case ONNXDataType.float:
            if let raw = try rawElements(4) {
                self.init(
                    name: name, shape: shape,
                    values: Self.littleEndian(raw, UInt32.self).map { Double(Float(bitPattern: $0)) })
            } else {
                self.init(
                    name: name, shape: shape, values: try checked(proto.floatData.map(Double.init), field: "float_data")
                )
            }
        case ONNXDataType.double:
            if let raw = try rawElements(8) {
                self.init(
                    name: name, shape: shape, values: Self.littleEndian(raw, UInt64.self).map { Double(bitPattern: $0) }
                )
            } else {
                self.init(name: name, shape: shape, values: try checked(proto.doubleData, field: "double_data"))
            }
        case ONNXDataType.int64:
            if let raw = try rawElements(8) {
                self.init(
                    name: name, shape: shape,
                    values: Self.littleEndian(raw, UInt64.self).map { Double(Int64(bitPattern: $0)) }, isInteger: true)
            } else {
                self.init(
                    name: name, shape: shape,
                    values: try checked(proto.int64Data.map { Double($0) }, field: "int64_data"), isInteger: true)
            }
        case ONNXDataType.int32, ONNXDataType.int16, ONNXDataType.int8, ONNXDataType.uint16,
            ONNXDataType.uint8, ONNXDataType.bool:
            if raw != nil {
                let values: [Double]
                switch type {
                case ONNXDataType.int32:
                    values = Self.littleEndian(try rawElements(4)!, UInt32.self).map { Double(Int32(bitPattern: $0)) }
                case ONNXDataType.int16:
                    values = Self.littleEndian(try rawElements(2)!, UInt16.self).map { Double(Int16(bitPattern: $0)) }
                case ONNXDataType.uint16:
                    values = Self.littleEndian(try rawElements(2)!, UInt16.self).map { Double($0) }
                case ONNXDataType.int8: values = try rawElements(1)!.map { Double(Int8(bitPattern: $0)) }
                default: values = try rawElements(1)!.map { Double($0) }
                }
                self.init(name: name, shape: shape, values: values, isInteger: true)
            } else {
                self.init(
                    name: name, shape: shape,
                    values: try checked(proto.int32Data.map { Double($0) }, field: "int32_data"), isInteger: true)
            }
        case ONNXDataType.uint32, ONNXDataType.uint64:
            if raw != nil {
                let values =
                    type == ONNXDataType.uint32
                    ? Self.littleEndian(try rawElements(4)!, UInt32.self).map { Double($0) }
                    : Self.littleEndian(try rawElements(8)!, UInt64.self).map { Double($0) }
                self.init(name: name, shape: shape, values: values, isInteger: true)
            } else {
                self.init(
                    name: name, shape: shape,
                    values: try checked(proto.uint64Data.map { Double($0) }, field: "uint64_data"), isInteger: true)
            }
        case ONNXDataType.string:
            guard proto.stringData.count == count else {
                throw fail("string_data has \(proto.stringData.count) elements, dims \(shape) need \(count)")
            }
            self.init(name: name, shape: shape, strings: proto.stringData.map { String(decoding: $0, as: UTF8.self) })
        default:
            throw fail("element type \(type) is not supported (float, double, integer and string tensors are)")
        }
    }

    /// The elements as dimensions or axes (`Reshape`'s shape, `Unsqueeze`'s axes): each must be
    /// an integer of magnitude at most ``maximumCount`` (a NaN, infinite or huge value is a
    /// corrupt file, not a trap).
    func integers(node: String) throws -> [Int] {
        guard strings == nil else {
            throw ONNXImportError.unsupportedPattern(
                node: node, reason: "the string tensor \"\(name)\" used as dimensions")
        }
        return try values.map { v in
            guard v.rounded() == v, abs(v) <= Double(Self.maximumCount) else {
                throw ONNXImportError.shapeMismatch(node: node, detail: "\"\(name)\" holds \(v), not a dimension")
            }
            return Int(v)
        }
    }

    /// The product of `dims`, or nil when it overflows.
    static func product<C: Collection<Int>>(_ dims: C) -> Int? {
        var p = 1
        for d in dims {
            let (q, overflow) = p.multipliedReportingOverflow(by: d)
            if overflow { return nil }
            p = q
        }
        return p
    }

    /// Fixed-width little-endian integers from bytes (any alignment).
    static func littleEndian<T: FixedWidthInteger>(_ data: Data, _: T.Type) -> [T] {
        let width = MemoryLayout<T>.size
        return data.withUnsafeBytes { buffer in
            (0..<(buffer.count / width)).map {
                T(littleEndian: buffer.loadUnaligned(fromByteOffset: $0 * width, as: T.self))
            }
        }
    }
}
