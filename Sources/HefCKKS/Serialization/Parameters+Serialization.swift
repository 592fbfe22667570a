/// Parameters file: header (key id 0) and the parameters section, nothing else.
extension CKKSParameters {
    /// A parameters file.
    public func serialized() -> [UInt8] {
        var w = ByteWriter(capacity: HefFile.prefixSize(self))
        HefFile.writeHeader(&w, kind: .parameters, parameters: self, keyID: 0)
        return w.bytes
    }

    /// Rebuilds the parameters from a parameters file; their id must be the one recorded.
    /// - Parameters:
    ///   - bytes: the file's bytes
    ///   - insecure: see ``init(_:insecure:)``
    /// - Throws: as ``HefFile/parameters(of:insecure:)``, and ``CKKSError/wrongKind(expected:found:)`` for another kind of file.
    public convenience init(deserializing bytes: [UInt8], insecure: InsecureParametersForTestingOnly? = nil) throws {
        var r = ByteReader(bytes)
        let header = try HefFile.readHeader(&r, expecting: .parameters)
        let literal = try HefFile.readLiteral(&r)
        try r.expectEnd("parameters")
        try self.init(literal, insecure: insecure)
        guard id == header.parametersID else {
            throw CKKSError.malformedData(
                "the parameters rebuild id \(hex16(id)), but the file says \(hex16(header.parametersID))")
        }
    }
}
