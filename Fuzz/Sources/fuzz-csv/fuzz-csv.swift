import Foundation
import FuzzSupport

/// CSV input rows. `CSV.swift` is hefctl's own parser: this target compiles the very file
/// (`Sources/fuzz-csv/CSV.swift` is a symbolic link to `Sources/hefctl/CSV.swift`), no copy.
/// The harness adds the `UserError` it throws and replays `ModelFlow.readRows` (UTF-8 check,
/// `CSV.parse`, the width check) and `hefctl encrypt`'s `maxValues: N/2` form.
struct UserError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

func readRows(_ bytes: [UInt8], width: Int) throws -> [[Double]] {
    guard let text = String(validating: bytes, as: UTF8.self) else { throw UserError("not UTF-8 text") }
    let rows = try CSV.parse(text, name: "fuzz.csv", maxValues: Int.max)
    guard !rows.isEmpty else { throw UserError("no rows") }
    for row in rows where row.values.count != width {
        throw UserError("fuzz.csv:\(row.line): \(row.values.count) values, the model expects \(width) features")
    }
    return rows.map(\.values)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Fuzz.bytes(data, size)
    Fuzz.expectTyped([{ $0 is UserError }]) {
        let rows = try readRows(bytes, width: 4)
        _ = CSV.format(rows[0][...])
    }
    Fuzz.expectTyped([{ $0 is UserError }]) {
        guard let text = String(validating: bytes, as: UTF8.self) else { return }
        _ = try CSV.parse(text, name: "fuzz.csv", maxValues: 2048)
    }
    return 0
}
