import FuzzSupport

/// Ciphertext files: `HefFile.deserializeCiphertexts` (seeded and full records) and
/// `Ciphertext(deserializing:context:)`, at the N = 4096 preset.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Fuzz.bytes(data, size)
    Fuzz.expectTyped([Fuzz.ckks]) {
        let all = try HefFile.deserializeCiphertexts(bytes, context: Fuzz.context)
        for stored in all { _ = (stored.ciphertext.level, stored.valueCount) }
        if all.count == 1 { _ = try Ciphertext(deserializing: bytes, context: Fuzz.context) }
    }
    return 0
}
