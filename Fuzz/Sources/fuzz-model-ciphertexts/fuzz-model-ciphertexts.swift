import FuzzSupport

/// Model ciphertext files (`hefctl encrypt --model`, `infer`): `ModelCiphertexts(deserializing:context:)`
/// at the N = 4096 preset, and `ModelCiphertexts.summary` (`hefctl inspect`, no context).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Fuzz.bytes(data, size)
    Fuzz.expectTyped([Fuzz.ckks, Fuzz.model]) {
        let s = try ModelCiphertexts.summary(bytes)
        if let inner = s.ciphertextFile { _ = try? HefFile.inspect(inner) }
    }
    Fuzz.expectTyped([Fuzz.ckks, Fuzz.model]) {
        let m = try ModelCiphertexts(deserializing: bytes, context: Fuzz.context)
        _ = m.sampleCount
    }
    return 0
}
