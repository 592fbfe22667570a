import ArgumentParser
import Dispatch
import Foundation
import HefCKKS
import HefCircuits
import HefRing

/// An error for the user: printed on stderr as `hefctl: error: …`, exit code 1.
struct UserError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Runs a command body; any error becomes one line on stderr and a non-zero exit.
func reportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as ExitCode {
        throw error
    } catch let error as CleanExit {
        throw error
    } catch {
        printError("hefctl: error: \(error)")
        throw ExitCode.failure
    }
}

func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// Progress lines on stderr, only when it is a terminal.
struct Progress {
    let enabled = isatty(2) == 1
    func update(_ message: String) {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K\(message)".utf8))
    }
    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}

enum BackendChoice: String, ExpressibleByArgument, CaseIterable {
    case native, swift

    var backend: any RingBackend {
        switch self {
        case .native: return NativeBackend()
        case .swift: return SwiftBackend()
        }
    }
}

/// `--params PRESET|FILE`: a preset name, a JSON parameters literal, or a Hef parameters file.
struct ParametersSource: ExpressibleByArgument {
    let argument: String

    init?(argument: String) { self.argument = argument }

    static var allValueStrings: [String] {
        ParametersPreset.allCases.map(\.rawValue) + BootstrapPreset.allCases.map(\.rawValue)
    }

    static let help =
        "A preset (\(allValueStrings.joined(separator: ", "))) or a JSON file such as {\"logN\":13,\"logQ\":[60,40,40],\"logP\":[60],\"logScale\":40}."

    /// The bootstrapping configuration of a bootstrapping preset; the default one otherwise.
    var bootstrapConfiguration: BootstrapConfiguration {
        BootstrapPreset(rawValue: argument)?.configuration ?? BootstrapConfiguration()
    }

    func load() throws -> CKKSParameters {
        if let preset = ParametersPreset(rawValue: argument) {
            return try CKKSParameters(preset: preset)
        }
        if let preset = BootstrapPreset(rawValue: argument) {
            return try CKKSParameters(preset.literal)
        }
        guard FileManager.default.fileExists(atPath: argument) || argument.contains("/") || argument.contains(".")
        else {
            throw UserError(
                "'\(argument)' is neither a preset (\(Self.allValueStrings.joined(separator: ", "))) nor a file"
            )
        }
        let bytes = try readFile(argument)
        if bytes.starts(with: HefFile.magic) {
            return try withFile(argument) { try HefFile.parameters(of: bytes) }
        }
        let literal: ParametersLiteral
        do {
            literal = try JSONDecoder().decode(ParametersLiteral.self, from: Data(bytes))
        } catch {
            throw UserError("\(argument) is not a parameters JSON file: \(describeDecodingError(error))")
        }
        return try withFile(argument) { try CKKSParameters(literal) }
    }
}

func describeDecodingError(_ error: Error) -> String {
    switch error {
    case DecodingError.keyNotFound(let key, _): return "missing field \"\(key.stringValue)\""
    case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
        let path = context.codingPath.map(\.stringValue).joined(separator: ".")
        return "wrong type for \"\(path)\""
    case DecodingError.dataCorrupted: return "not valid JSON"
    default: return "\(error)"
    }
}

/// Runs `body` on a file's content; errors are prefixed with the file name.
func withFile<R>(_ path: String, _ body: () throws -> R) throws -> R {
    do {
        return try body()
    } catch let error as UserError {
        throw error
    } catch {
        throw UserError("\(path): \(error)")
    }
}

/// Reads a file, with a plain message when it is missing.
func readFile(_ path: String) throws -> [UInt8] {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        throw UserError("\(path): no such file")
    }
    guard !isDirectory.boolValue else { throw UserError("\(path): is a directory") }
    return try withFile(path) { try HefFile.read(path: path) }
}

/// Reads a Hef file and builds a context for the parameters it embeds.
func context(forFile path: String, backend: BackendChoice) throws -> (CKKSContext, [UInt8]) {
    let bytes = try readFile(path)
    let parameters = try withFile(path) { try HefFile.parameters(of: bytes) }
    return (CKKSContext(parameters: parameters, backend: backend.backend), bytes)
}

func literalDescription(_ l: ParametersLiteral) -> String {
    var parts = [
        "logN=\(l.logN) (N=\(1 << l.logN))",
        "logQ=[\(l.logQ.map(String.init).joined(separator: ","))]",
        "logP=[\(l.logP.map(String.init).joined(separator: ","))]",
        "logScale=\(formatNumber(l.logScale))",
    ]
    if let d = l.dnum { parts.append("dnum=\(d)") }
    if let s = l.secret { parts.append("secret=\(s.rawValue)") }
    if let h = l.hammingWeight { parts.append("hammingWeight=\(h)") }
    if let s = l.security { parts.append("security=\(s)") }
    return parts.joined(separator: " ")
}

func formatNumber(_ x: Double) -> String {
    x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x)
}

func literalJSON(_ literal: ParametersLiteral, pretty: Bool = false) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted] : [.sortedKeys]
    return String(decoding: try! encoder.encode(literal), as: UTF8.self)
}

/// Runs async work from a synchronous command (the root command is synchronous) and waits.
func runBlocking(_ body: @escaping @Sendable () async throws -> Void) throws {
    final class Outcome: @unchecked Sendable { var error: (any Error)? }
    let outcome = Outcome()
    let done = DispatchSemaphore(value: 0)
    Task {
        do { try await body() } catch { outcome.error = error }
        done.signal()
    }
    done.wait()
    if let error = outcome.error { throw error }
}
