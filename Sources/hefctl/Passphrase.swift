import ArgumentParser
import Foundation
import HefClient
import HefRing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `--passphrase-file`, shared by the commands that write or read a sealed secret key. The
/// passphrase never comes from the command line itself: a file (its first line), the
/// `HEF_PASSPHRASE` environment variable, or a prompt on the terminal.
struct PassphraseOptions: ParsableArguments {
    @Option(
        name: .customLong("passphrase-file"),
        help: "A file whose first line is the passphrase of a sealed secret key (else HEF_PASSPHRASE, else a prompt).")
    var passphraseFile: String?

    /// Where the passphrase comes from, without the argument parser's wrappers (Sendable).
    var source: PassphraseSource { PassphraseSource(file: passphraseFile) }

    /// The passphrase: the file, the environment, or (on a terminal) a prompt; `confirm` asks twice.
    func passphrase(confirm: Bool = false) throws -> String { try source.passphrase(confirm: confirm) }

    /// A secret key file's plain bytes: a sealed file is opened with the passphrase.
    func readSecretKey(_ path: String) throws -> [UInt8] {
        _ = try readFile(path) // the plain messages for a missing file or a directory
        do {
            return try SecureFile.readSecretKeyBytes(path: path) { try passphrase() }
        } catch let error as SealedKeyError {
            throw UserError("\(path): \(error)")
        }
    }
}

/// The passphrase's source: a file (its first line), else `HEF_PASSPHRASE`, else a terminal prompt.
struct PassphraseSource: Sendable {
    var file: String?

    /// The passphrase; `confirm` asks twice at a prompt.
    func passphrase(confirm: Bool = false) throws -> String {
        if let passphraseFile = file {
            var bytes = try readFile(passphraseFile)
            defer { secureZero(&bytes) }
            let text = String(decoding: bytes, as: UTF8.self)
            let line = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let phrase = String(line.hasSuffix("\r") ? line.dropLast() : line)
            guard !phrase.isEmpty else { throw UserError("\(passphraseFile): the passphrase is empty") }
            return phrase
        }
        if let phrase = ProcessInfo.processInfo.environment["HEF_PASSPHRASE"] {
            guard !phrase.isEmpty else { throw UserError("HEF_PASSPHRASE is empty") }
            return phrase
        }
        guard isatty(0) == 1 else {
            throw UserError("a passphrase is needed: give --passphrase-file FILE or set HEF_PASSPHRASE")
        }
        let phrase = try prompt("passphrase: ")
        if confirm {
            guard try prompt("again: ") == phrase else { throw UserError("the passphrases differ") }
        }
        guard !phrase.isEmpty else { throw UserError("the passphrase is empty") }
        return phrase
    }

    private func prompt(_ text: String) throws -> String {
        guard let answer = getpass(text) else { throw UserError("cannot read a passphrase from the terminal") }
        return String(cString: answer)
    }
}
