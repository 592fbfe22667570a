import FuzzSupport

/// `hefctl inspect`'s reader: `HefFile.inspect` walks a file of any kind without a context.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Fuzz.bytes(data, size)
    Fuzz.expectTyped([Fuzz.ckks]) {
        let s = try HefFile.inspect(bytes)
        // What inspect prints is computed from these; touch them.
        _ = s.ciphertexts.map { "\($0.level) \($0.scale) \($0.slots) \($0.size) \($0.valueCount)" }
        _ = s.galoisElements.count
    }
    return 0
}
