import FuzzSupport

/// `Plaintext(deserializing:context:)` at the N = 4096 preset.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Fuzz.bytes(data, size)
    Fuzz.expectTyped([Fuzz.ckks]) { _ = try Plaintext(deserializing: bytes, context: Fuzz.context) }
    return 0
}
