import FuzzSupport

/// Parameters files: `CKKSParameters(deserializing:)`, and the parameters any Hef file names
/// (`HefFile.parameters(of:)`, what `hefctl` uses to pick a context for a key or ciphertext).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Fuzz.bytes(data, size)
    Fuzz.expectTyped([Fuzz.ckks]) { _ = try CKKSParameters(deserializing: bytes) }
    Fuzz.expectTyped([Fuzz.ckks]) { _ = try HefFile.parameters(of: bytes) }
    return 0
}
