import Foundation
@_exported import HefCKKS
@_exported import HefML
@_exported import HefONNX

/// Shared pieces of the harnesses.
///
/// Contract checked by every harness: a loader given arbitrary bytes either returns a value or
/// throws one of the library's typed errors (`CKKSError`, `ModelError`, `ONNXImportError`).
/// Traps (preconditions, overflow, out-of-range indices, force unwraps) crash the process and
/// libFuzzer records the input; an error of another type is turned into a crash here.
public enum Fuzz {
    /// The context the binary formats are read with: the N = 4096 preset (small and fast).
    /// Seeds are made by `hefctl` at the same preset (`scripts/fuzz-seeds.sh`), so they carry
    /// this parameter id and reach the payload parsers.
    public static let context: CKKSContext = {
        do { return try CKKSContext(preset: .n4096) } catch { fatalError("cannot build the fuzzing context: \(error)") }
    }()

    @inline(__always)
    public static func bytes(_ data: UnsafePointer<UInt8>, _ size: Int) -> [UInt8] {
        Array(UnsafeBufferPointer(start: data, count: size))
    }

    /// Runs `body`; a thrown error must be of one of `allowed` (checked with `is`), anything
    /// else is reported as a crash (an untyped error reaching the user).
    public static func expectTyped(_ allowed: [@Sendable (any Error) -> Bool], _ body: () throws -> Void) {
        do {
            try body()
        } catch {
            if allowed.contains(where: { $0(error) }) { return }
            fatalError("untyped error escaped a loader: \(type(of: error)): \(error)")
        }
    }

    public static let ckks: @Sendable (any Error) -> Bool = { $0 is CKKSError }
    public static let model: @Sendable (any Error) -> Bool = { $0 is ModelError }
    public static let onnx: @Sendable (any Error) -> Bool = { $0 is ONNXImportError }
}
