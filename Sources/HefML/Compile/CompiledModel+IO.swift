public import Foundation
public import HefCKKS
public import HefRing

extension CompiledModel {
    /// The model as pretty-printed, sorted-keys JSON (what `hefctl model compile` writes).
    /// - Throws: `EncodingError` only if a number cannot be encoded (never for a validated model).
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return try encoder.encode(self)
    }

    /// Reads and checks a compiled model file (``validate()``); a file written before slot
    /// layouts were stored gets its layout computed here.
    /// - Parameter url: The file (`MODEL.hef`).
    /// - Throws: ``ModelError/unsupportedFormat(_:)`` when the file cannot be read or is not a
    ///   compiled model of this format and version; ``ModelError/invalidModel(_:)`` naming the
    ///   first inconsistency.
    public static func load(contentsOf url: URL) throws -> CompiledModel {
        try load(contentsOf: url, backend: NativeBackend()).model
    }

    /// Reads and checks a compiled model file and builds the context of its plan, deriving the
    /// parameters (primes, tables) once for both.
    /// - Parameters:
    ///   - url: The file (`MODEL.hef`).
    ///   - backend: The ring backend of the context.
    /// - Throws: As ``load(contentsOf:)``.
    public static func load(contentsOf url: URL, backend: any RingBackend) throws -> (
        model: CompiledModel, context: CKKSContext
    ) {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ModelError.unsupportedFormat("cannot read \(url.path)")
        }
        let model: CompiledModel
        do { model = try JSONDecoder().decode(CompiledModel.self, from: data) } catch {
            throw ModelError.unsupportedFormat(
                "\(url.lastPathComponent) is not a compiled Hef model (hefctl model compile makes one)")
        }
        let (parameters, layout) = try model.checked()
        return (CompiledModel(model, layout: layout), CKKSContext(parameters: parameters, backend: backend))
    }

    /// The CKKS context of the plan.
    /// - Parameter backend: The ring backend.
    /// - Throws: `CKKSError` when the plan's parameters are refused (a validated model's never are).
    public func makeContext(backend: any RingBackend = NativeBackend()) throws -> CKKSContext {
        CKKSContext(parameters: try CKKSParameters(plan.parameters), backend: backend)
    }
}

extension MLPModel {
    /// Reads and checks a Hef JSON model (ONNX files: `ONNXImporter` or `ModelFile` in HefONNX).
    /// - Parameter url: The file.
    /// - Throws: ``ModelError/unsupportedFormat(_:)`` for an ONNX file, an unreadable file or
    ///   JSON that is not a model; ``ModelError/invalidModel(_:)`` from ``MLPModel/validate()``.
    public static func load(contentsOf url: URL) throws -> MLPModel {
        if url.pathExtension.lowercased() == "onnx" {
            throw ModelError.unsupportedFormat(
                "\(url.lastPathComponent): ONNX files are read by the HefONNX module (ONNXImporter.load(contentsOf:), or ModelFile.load(contentsOf:) for either format)"
            )
        }
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ModelError.unsupportedFormat("cannot read \(url.path)")
        }
        let model: MLPModel
        do { model = try JSONDecoder().decode(MLPModel.self, from: data) } catch let error as DecodingError {
            throw ModelError.unsupportedFormat("\(url.lastPathComponent): \(Self.describe(error))")
        }
        try model.validate()
        return model
    }

    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .dataCorrupted(let c): return c.debugDescription + Self.path(c.codingPath)
        case .keyNotFound(let key, let c): return "missing field \"\(key.stringValue)\"" + Self.path(c.codingPath)
        case .typeMismatch(_, let c): return c.debugDescription + Self.path(c.codingPath)
        case .valueNotFound(_, let c): return c.debugDescription + Self.path(c.codingPath)
        @unknown default: return "\(error)"
        }
    }

    private static func path(_ codingPath: [CodingKey]) -> String {
        guard !codingPath.isEmpty else { return "" }
        return " at " + codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
    }
}
