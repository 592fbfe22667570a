import Crypto
import Foundation

/// A client and the SHA-256 of its bearer token. The service never stores a token itself.
public struct TokenEntry: Sendable, Equatable {
    public var client: String
    public var tokenHash: String

    public init(client: String, tokenHash: String) {
        self.client = client
        self.tokenHash = tokenHash
    }

    public init(client: String, token: String) {
        self.init(client: client, tokenHash: Self.hash(token))
    }

    public static func hash(_ token: String) -> String {
        SHA256.hash(data: Array(token.utf8)).hexString
    }

    /// The `--tokens` file: one client per line, `NAME TOKEN` or `NAME sha256:HEX` (the hash of
    /// the token, so that the file itself need not hold secrets); blank lines and `#` comments
    /// are skipped.
    public static func parse(_ text: String, name: String) throws -> [TokenEntry] {
        var entries: [TokenEntry] = []
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard fields.count == 2 else {
                throw ServiceError.configuration("\(name):\(n + 1): expected NAME TOKEN or NAME sha256:HEX")
            }
            let client = fields[0]
            let secret = fields[1]
            guard client.allSatisfy({ $0.isLetter || $0.isNumber || "-_.@".contains($0) }) else {
                throw ServiceError.configuration("\(name):\(n + 1): client names use letters, digits and - _ . @")
            }
            if secret.hasPrefix("sha256:") {
                let hex = String(secret.dropFirst(7)).lowercased()
                guard hex.count == 64, hex.allSatisfy(\.isHexDigit) else {
                    throw ServiceError.configuration("\(name):\(n + 1): sha256: needs 64 hex digits")
                }
                entries.append(TokenEntry(client: client, tokenHash: hex))
            } else {
                guard secret.count >= 16 else {
                    throw ServiceError.configuration("\(name):\(n + 1): a token needs at least 16 characters")
                }
                entries.append(TokenEntry(client: client, token: secret))
            }
        }
        guard Set(entries.map(\.tokenHash)).count == entries.count else {
            throw ServiceError.configuration("\(name): two clients share a token")
        }
        return entries
    }
}
