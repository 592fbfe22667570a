import Foundation
import HefCKKS
import HefRing

#if canImport(Glibc)
    import Glibc
    private func systemOpen(_ p: UnsafePointer<CChar>, _ f: Int32, _ m: mode_t) -> Int32 { Glibc.open(p, f, m) }
    private func systemWrite(_ fd: Int32, _ b: UnsafeRawPointer?, _ n: Int) -> Int { Glibc.write(fd, b, n) }
#elseif canImport(Darwin)
    import Darwin
    private func systemOpen(_ p: UnsafePointer<CChar>, _ f: Int32, _ m: mode_t) -> Int32 { Darwin.open(p, f, m) }
    private func systemWrite(_ fd: Int32, _ b: UnsafeRawPointer?, _ n: Int) -> Int { Darwin.write(fd, b, n) }
#endif

// The tool's file I/O. HefCKKS itself serialises to and from bytes only; paths, modes and
// open(2) live here (a server would bring its own storage). Kept as `HefFile` statics so the
// commands read `HefFile.read(path:)` / `HefFile.write(_:to:)` as before.
extension HefFile {
    /// Reads a whole file.
    static func read(path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
                throw CKKSError.malformedData(isDirectory.boolValue ? "\(path) is a directory" : "cannot read \(path)")
            }
            throw CKKSError.malformedData("no such file: \(path)")
        }
        return Array(data)
    }

    /// Writes `bytes` to `path` (replacing it). With `secret`, the file is created with mode
    /// 0600 before any content is written (and an existing file is narrowed to 0600 first).
    static func write(_ bytes: [UInt8], to path: String, secret: Bool = false) throws {
        let mode: mode_t = secret ? 0o600 : 0o644
        let fd = systemOpen(path, O_CREAT | O_WRONLY | O_TRUNC, mode)
        guard fd >= 0 else {
            throw CKKSError.malformedData("cannot write \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        if secret {
            guard fchmod(fd, 0o600) == 0 else {
                throw CKKSError.malformedData("cannot restrict permissions of \(path)")
            }
        }
        var written = 0
        try bytes.withUnsafeBytes { buffer in
            while written < buffer.count {
                let n = systemWrite(fd, buffer.baseAddress! + written, buffer.count - written)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw CKKSError.malformedData("cannot write \(path): \(String(cString: strerror(errno)))")
                }
                written += n
            }
        }
    }

    /// Serializes `secretKey`, writes it with mode 0600 and wipes the serialized bytes.
    static func writeSecretKey(_ secretKey: SecretKey, context: CKKSContext, to path: String) throws {
        var bytes = try secretKey.serialized(context: context)
        defer { secureZero(&bytes) }
        try write(bytes, to: path, secret: true)
    }
}
