import Foundation
import HefTestSupport

/// The repository's `Models/` folder (the bundled models), from this file's location.
public func repositoryModels() -> URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Models")
}

/// The rows of a CSV file of numbers (no header).
public func readCSV(_ url: URL) throws -> [[Double]] {
    try String(contentsOf: url, encoding: .utf8).split(whereSeparator: \.isNewline).map { line in
        line.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces))! }
    }
}

/// A new empty folder under the system's temporary folder, named after `tag`.
public func temporaryDirectory(_ tag: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("hef-test-\(tag)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// A failure of the test setup itself (a missing binary), with its reason.
public struct TestSetupError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// The `hefctl` binary next to the test bundle (same build configuration), else in .build/debug.
public func hefctlURL() throws -> URL {
    var candidates: [URL] = [Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("hefctl")]
    if let executable = Bundle.main.executableURL {
        candidates.append(executable.deletingLastPathComponent().appendingPathComponent("hefctl"))
        candidates.append(
            executable.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("hefctl"))
    }
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    candidates.append(root.appendingPathComponent(".build/debug/hefctl"))
    for url in candidates where FileManager.default.isExecutableFile(atPath: url.path) { return url }
    throw TestSetupError("hefctl binary not found in \(candidates.map(\.path))")
}

/// What a child process wrote so far on a pipe (appended from the pipe's reader thread).
public final class Captured: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()

    public init() {}

    public func append(_ d: Data) {
        lock.lock()
        data.append(d)
        lock.unlock()
    }

    public var text: String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: data, as: UTF8.self)
    }
}

/// The port a `hefctl serve` child logged ("listening on 127.0.0.1:PORT"), or nil when it exited
/// or `seconds` passed first. The log is read before the clock: when the test's executor was
/// starved by the rest of the suite (two cores), a late wake-up still finds a line already logged.
public func listeningPort(in captured: Captured, of process: Process, seconds: Double = 600) async -> Int? {
    let deadline = Date().addingTimeInterval(seconds)
    while true {
        let text = captured.text
        if let range = text.range(of: #"listening on 127\.0\.0\.1:(\d+)"#, options: .regularExpression) {
            return Int(text[range].split(separator: ":").last!)
        }
        if !process.isRunning || Date() >= deadline { return nil }
        try? await Task.sleep(for: .milliseconds(50))
    }
}
