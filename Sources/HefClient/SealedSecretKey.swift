import Crypto
import Foundation
import HefRing
import _CryptoExtras

/// A secret key file sealed at rest under a passphrase (`hefctl keygen --protect`).
///
/// The file format (all integers one byte):
///
/// | offset | size | field |
/// |---|---|---|
/// | 0 | 8 | magic `HEFSEAL1` (ASCII) |
/// | 8 | 1 | KDF: 1 = scrypt |
/// | 9 | 1 | log2 of scrypt's N (cost), 15 when written |
/// | 10 | 1 | scrypt's r (block size), 8 when written |
/// | 11 | 1 | scrypt's p (parallelism), 1 when written |
/// | 12 | 16 | salt, random |
/// | 28 | 12 | AES-GCM nonce, random |
/// | 40 | n | AES-256-GCM ciphertext of the plain secret key file |
/// | 40 + n | 16 | AES-GCM tag |
///
/// The key is scrypt(passphrase UTF-8, salt, N, r, p) → 32 bytes; the 40 header bytes are the
/// AES-GCM additional data, so a changed parameter or salt fails like a wrong passphrase. The
/// plain file inside is the ordinary Hef secret key file.
public enum SealedSecretKey {
    /// `HEFSEAL1`.
    public static let magic: [UInt8] = Array("HEFSEAL1".utf8)
    /// Header bytes before the ciphertext.
    public static let headerSize = 40
    /// scrypt cost written: N = 2^15, r = 8, p = 1 (32 MiB, a fraction of a second).
    public static let defaultLogN: UInt8 = 15
    static let defaultR: UInt8 = 8
    static let defaultP: UInt8 = 1

    /// True when `bytes` start with the sealed file's magic.
    /// - Parameter bytes: A file's content.
    public static func isSealed(_ bytes: [UInt8]) -> Bool { bytes.starts(with: magic) }

    /// Seals a plain secret key file.
    /// - Parameters:
    ///   - plain: The plain secret key file's bytes.
    ///   - passphrase: A non-empty passphrase.
    ///   - logN: log2 of scrypt's cost (10…20).
    /// - Throws: `SealedKeyError.emptyPassphrase`; `SealedKeyError.malformed` for a cost out of range.
    public static func seal(_ plain: [UInt8], passphrase: String, logN: UInt8 = defaultLogN) throws -> [UInt8] {
        guard (10...20).contains(logN) else { throw SealedKeyError.malformed("scrypt cost 2^\(logN) out of range") }
        var header = magic + [1, logN, defaultR, defaultP]
        var salt = [UInt8](repeating: 0, count: 16)
        var generator = SystemRandomNumberGenerator()
        for i in salt.indices { salt[i] = UInt8.random(in: 0...255, using: &generator) }
        header += salt
        let nonce = AES.GCM.Nonce()
        header += Array(nonce)
        let key = try derive(passphrase: passphrase, salt: salt, logN: logN, r: defaultR, p: defaultP)
        let box = try AES.GCM.seal(plain, using: key, nonce: nonce, authenticating: header)
        return header + Array(box.ciphertext) + Array(box.tag)
    }

    /// Opens a sealed file. The caller wipes the answer with `secureZero` when done.
    /// - Parameters:
    ///   - sealed: The sealed file's bytes.
    ///   - passphrase: The passphrase it was sealed with.
    /// - Throws: `SealedKeyError.wrongPassphrase` when the tag does not verify (a wrong
    ///   passphrase, or an altered file); `SealedKeyError.malformed` for a file that is not a sealed key.
    public static func open(_ sealed: [UInt8], passphrase: String) throws -> [UInt8] {
        guard sealed.count >= headerSize + 16, isSealed(sealed) else {
            throw SealedKeyError.malformed("too short to be a sealed secret key")
        }
        guard sealed[8] == 1 else { throw SealedKeyError.malformed("unknown key derivation \(sealed[8])") }
        let logN = sealed[9]
        let r = sealed[10]
        let p = sealed[11]
        guard (10...22).contains(logN), (1...32).contains(r), (1...16).contains(p) else {
            throw SealedKeyError.malformed("scrypt parameters out of range")
        }
        let salt = Array(sealed[12..<28])
        let nonce = try AES.GCM.Nonce(data: sealed[28..<40])
        let key = try derive(passphrase: passphrase, salt: salt, logN: logN, r: r, p: p)
        let box = try AES.GCM.SealedBox(
            nonce: nonce, ciphertext: sealed[headerSize..<(sealed.count - 16)], tag: sealed[(sealed.count - 16)...])
        do {
            return Array(try AES.GCM.open(box, using: key, authenticating: sealed[0..<headerSize]))
        } catch {
            throw SealedKeyError.wrongPassphrase
        }
    }

    static func derive(passphrase: String, salt: [UInt8], logN: UInt8, r: UInt8, p: UInt8) throws -> SymmetricKey {
        var phrase = Array(passphrase.utf8)
        defer { secureZero(&phrase) }
        guard !phrase.isEmpty else { throw SealedKeyError.emptyPassphrase }
        do {
            return try KDF.Scrypt.deriveKey(
                from: phrase, salt: salt, outputByteCount: 32, rounds: 1 << Int(logN), blockSize: Int(r),
                parallelism: Int(p))
        } catch {
            throw SealedKeyError.malformed("scrypt failed: \(error)")
        }
    }
}

/// Why a sealed secret key did not open.
public enum SealedKeyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The tag did not verify: a wrong passphrase, or an altered file.
    case wrongPassphrase
    /// An empty passphrase (refused when sealing and opening).
    case emptyPassphrase
    /// The file is sealed and no passphrase was given (the path).
    case passphraseRequired(String)
    /// Not a sealed secret key file.
    case malformed(String)

    /// A sentence for people.
    public var description: String {
        switch self {
        case .wrongPassphrase: "wrong passphrase for the sealed secret key (or the file was altered)"
        case .emptyPassphrase: "the passphrase is empty"
        case .passphraseRequired(let path):
            "\(path) is sealed with a passphrase: give --passphrase-file FILE or set HEF_PASSPHRASE"
        case .malformed(let why): "not a sealed secret key: \(why)"
        }
    }
}
