import Foundation
import HefService
import HefTestSupport
import Logging
import PostgresNIO
import Testing

/// The PostgreSQL the tests use: `HEF_TEST_POSTGRES_URL` (`scripts/postgres.sh start` prints
/// one). CI (`CI` set) promises it: there its absence fails the PostgreSQL tests instead of
/// skipping them.
enum TestPostgres {
    static let url = ProcessInfo.processInfo.environment["HEF_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    static let inCI = ProcessInfo.processInfo.environment["CI"].map { !$0.isEmpty && $0 != "false" } ?? false
    /// Run when a server is named, and always in CI (where `requireURL` then fails the test).
    static let enabled = url != nil || inCI
    static let skipped =
        "HEF_TEST_POSTGRES_URL is not set: PostgreSQL tests skipped (export HEF_TEST_POSTGRES_URL=$(scripts/postgres.sh start))"

    /// The registry's first answer, in tests. Generous: the full suite keeps both cooperative
    /// threads busy with CKKS work for minutes on a 2-core runner, and the PostgreSQL client's
    /// connection steps wait for a free thread (CI once saw the 60 s default run out).
    static let connectTimeout: Duration = .seconds(900)

    static func requireURL(sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        try #require(
            url, "CI is set but HEF_TEST_POSTGRES_URL is not: CI promises a PostgreSQL server (scripts/postgres.sh)",
            sourceLocation: sourceLocation)
    }

    /// Runs `body` with the URL of a database made for it (dropped afterwards), so that tests
    /// never see each other's rows.
    static func withDatabase<T>(_ body: (String) async throws -> T) async throws -> T {
        let base = try requireURL()
        let name = "hef_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await admin(base) { client, logger in
            try await client.query("CREATE DATABASE \(unescaped: name)", logger: logger)
        }
        var components = try #require(URLComponents(string: base))
        components.path = "/" + name
        let url = try #require(components.string)
        do {
            let value = try await body(url)
            try await drop(name, base: base)
            return value
        } catch {
            try? await drop(name, base: base)
            throw error
        }
    }

    private static func drop(_ name: String, base: String) async throws {
        try await admin(base) { client, logger in
            try await client.query("DROP DATABASE IF EXISTS \(unescaped: name) WITH (FORCE)", logger: logger)
        }
    }

    /// A short-lived client on the base database.
    static func admin(
        _ url: String, _ body: @escaping @Sendable (PostgresClient, Logger) async throws -> Void
    ) async throws {
        let location = try PostgresLocation(url: url)
        let client = PostgresClient(
            configuration: .init(
                host: location.host, port: location.port, username: location.username, password: location.password,
                database: location.database, tls: .disable))
        let logger = Logger(label: "hef.test.postgres")
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            try await body(client, logger)
        }
    }
}

/// A clock the tests move (seconds since 1970).
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Int64

    init(_ start: Int64 = 1_800_000_000) { value = start }

    var now: Int64 {
        lock.lock()
        defer { lock.unlock() }
        return value
    }

    func advance(_ seconds: Int64) {
        lock.lock()
        value += seconds
        lock.unlock()
    }

    var clock: RegistryClock { { [self] in self.now } }
}
