import HefRing

/// Plaintext file payload: `scale f64`, `slots u32`, then the polynomial section over
/// q_0 … q_level. The key id of the header is 0.
extension Plaintext {
    /// A plaintext file.
    /// - Parameters:
    ///   - context: its context
    /// - Throws: ``CKKSError/parametersMismatch(expected:found:)``.
    public func serialized(context: CKKSContext) throws -> [UInt8] {
        let params = context.parameters
        try params.requireID(parametersID)
        var w = ByteWriter()
        HefFile.writeHeader(&w, kind: .plaintext, parameters: params, keyID: 0)
        w.f64(scale)
        w.u32(UInt32(slots))
        HefFile.writePoly(&w, poly)
        return w.bytes
    }

    /// Reads a plaintext file.
    /// - Parameters:
    ///   - bytes: the file's bytes
    ///   - context: the context of the file's parameters
    /// - Throws: ``CKKSError/malformedData(_:)``, ``CKKSError/truncated(_:)``, ``CKKSError/unsupportedVersion(_:)`` or ``CKKSError/wrongKind(expected:found:)`` for bytes that are not a valid file of this kind; ``CKKSError/parametersMismatch(expected:found:)`` when they were made for other parameters.
    public init(deserializing bytes: [UInt8], context: CKKSContext) throws {
        var (header, r) = try HefFile.openPayload(bytes, kind: .plaintext, context: context)
        let params = context.parameters
        let scale = try r.f64("the plaintext scale")
        guard scale.isFinite && scale > 0 else {
            throw CKKSError.malformedData("the plaintext has scale \(scale); expected a finite positive number")
        }
        let slots = Int(try r.u32("the plaintext slot count"))
        guard slots >= 1 && slots <= params.maxSlots && slots & (slots - 1) == 0 else {
            throw CKKSError.malformedData(
                "the plaintext has \(slots) slots; expected a power of two up to \(params.maxSlots)")
        }
        let basis = context.basisQ
        let (data, count) = try HefFile.readPolyData(
            &r, moduli: basis.moduli, n: basis.n, counts: 1...basis.count, what: "the plaintext")
        try r.expectEnd("plaintext")
        self.init(
            poly: Poly<Eval>(basis: basis, moduliCount: count, data: data), scale: scale, slots: slots,
            parametersID: header.parametersID)
    }
}
