import Crypto
import Foundation
import Logging
import PostgresNIO

/// Where a PostgreSQL registry lives: parsed from `postgres://USER:PASSWORD@HOST:PORT/DATABASE`
/// (also `postgresql://`; `?sslmode=disable|prefer|require`, default `prefer`).
public struct PostgresLocation: Sendable, Equatable, CustomStringConvertible {
    /// Server host name or address.
    public var host: String
    /// Server port (default 5432).
    public var port: Int
    /// Role to log in as.
    public var username: String
    /// Password, if any (never printed).
    public var password: String?
    /// Database name (default: the user name, as libpq does).
    public var database: String
    /// `disable`, `prefer` or `require`.
    public var sslMode: String

    /// Parses a `postgres://` URL; throws a configuration error that names what is wrong.
    public init(url text: String) throws {
        guard let components = URLComponents(string: text),
            let scheme = components.scheme, ["postgres", "postgresql"].contains(scheme.lowercased())
        else {
            throw ServiceError.configuration(
                "--database takes postgres://USER:PASSWORD@HOST:PORT/DATABASE (got a value that is not one)")
        }
        guard let host = components.host, !host.isEmpty else {
            throw ServiceError.configuration("the database URL names no host")
        }
        guard let user = components.user, !user.isEmpty else {
            throw ServiceError.configuration("the database URL names no user")
        }
        self.host = host
        port = components.port ?? 5432
        username = user.removingPercentEncoding ?? user
        password = components.password.map { $0.removingPercentEncoding ?? $0 }
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        database = path.isEmpty ? username : (path.removingPercentEncoding ?? path)
        sslMode = components.queryItems?.first(where: { $0.name == "sslmode" })?.value ?? "prefer"
        guard ["disable", "prefer", "require"].contains(sslMode) else {
            throw ServiceError.configuration("sslmode must be disable, prefer or require (got \(sslMode))")
        }
    }

    /// `postgres://USER@HOST:PORT/DATABASE`, without the password: safe for logs.
    public var description: String { "postgres://\(username)@\(host):\(port)/\(database)" }

    var clientConfiguration: PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS
        switch sslMode {
        case "disable": tls = .disable
        case "require": tls = .require(.makeClientConfiguration())
        default: tls = .prefer(.makeClientConfiguration())
        }
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: tls)
        configuration.options.maximumConnections = 8
        return configuration
    }
}

/// The shared registry for several replicas: tokens, keys, registrations and receipts in
/// PostgreSQL (PostgresNIO's connection pool), and the key blobs **in the database too**
/// (`hef_key_blobs`, 4 MiB `bytea` chunks keyed by the key id, checked against the SHA-256 on
/// read), since replicas need not share a filesystem.
///
/// Concurrency across replicas: the schema is created under a transaction-scoped advisory lock;
/// a registration runs in one transaction holding an advisory lock on its client (the quota
/// check and the insert are one step) and one on its key id (deletes and purges take the key
/// lock too, so a key set's rows and chunks never go while a registration of it is being made);
/// inserts use `ON CONFLICT DO NOTHING`, so a repeat is answered `created: false` by whichever
/// replica comes second.
public final class PostgresRegistry: KeyRegistry {
    let client: PostgresClient
    let runner: Task<Void, Never>
    let logger: Logger
    /// Where it is (without the password).
    public let location: PostgresLocation
    /// The quotas and expiry it enforces.
    public let policy: KeyPolicy
    let now: RegistryClock

    static let chunkSize = 4 << 20
    // Advisory lock classes (first key of the two-integer form): "Hef" and a kind.
    static let migrationLock: Int32 = 0x4865_6600
    static let clientLock: Int32 = 0x4865_6601
    static let keyLock: Int32 = 0x4865_6602

    /// Connects, checks the server answers (within `connectTimeout`), and creates the schema
    /// when missing. Call `shutdown()` when done.
    public init(
        location: PostgresLocation, policy: KeyPolicy = KeyPolicy(), now: @escaping RegistryClock = systemRegistryClock,
        logger: Logger = Logger(label: "hef.registry"), connectTimeout: Duration = .seconds(60)
    ) async throws {
        self.location = location
        self.policy = policy
        self.now = now
        self.logger = logger
        var configuration = location.clientConfiguration
        configuration.options.connectTimeout = connectTimeout
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        runner = Task { await client.run() }
        do {
            try await Self.withTimeout(connectTimeout) {
                _ = try await client.query("SELECT 1", logger: logger).collect()
            }
            try await migrate()
            try await purgeExpired()
        } catch {
            await shutdown()
            if let error = error as? ServiceError { throw error }
            throw ServiceError.configuration(
                "cannot use the PostgreSQL registry at \(location): \(Self.describe(error))")
        }
    }

    /// Closes the pool's connections (cancels its run task and waits for it).
    public func shutdown() async {
        runner.cancel()
        await runner.value
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            let message = error.serverInfo?[.message] ?? ""
            return message.isEmpty ? "\(error.code)" : "\(error.code): \(message)"
        }
        return String(describing: error)
    }

    static func withTimeout(_ timeout: Duration, _ body: @escaping @Sendable () async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw ServiceError.configuration("no answer within \(timeout)")
            }
            defer { group.cancelAll() }
            _ = try await group.next()
        }
    }

    static let schema: [PostgresQuery] = [
        """
        CREATE TABLE IF NOT EXISTS hef_tokens (
            token_hash TEXT PRIMARY KEY,
            client TEXT NOT NULL)
        """,
        """
        CREATE TABLE IF NOT EXISTS hef_keys (
            key_id TEXT PRIMARY KEY,
            parameters_id TEXT NOT NULL,
            size BIGINT NOT NULL,
            created_at BIGINT NOT NULL,
            chunks INTEGER NOT NULL)
        """,
        """
        CREATE TABLE IF NOT EXISTS hef_key_blobs (
            key_id TEXT NOT NULL REFERENCES hef_keys(key_id) ON DELETE CASCADE,
            chunk INTEGER NOT NULL,
            bytes BYTEA NOT NULL,
            PRIMARY KEY (key_id, chunk))
        """,
        """
        CREATE TABLE IF NOT EXISTS hef_registrations (
            key_id TEXT NOT NULL REFERENCES hef_keys(key_id) ON DELETE CASCADE,
            client TEXT NOT NULL,
            model_id TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            expires_at BIGINT NOT NULL,
            PRIMARY KEY (key_id, client, model_id))
        """,
        "CREATE INDEX IF NOT EXISTS hef_registrations_client ON hef_registrations(client)",
        "CREATE INDEX IF NOT EXISTS hef_registrations_expires_at ON hef_registrations(expires_at)",
        """
        CREATE TABLE IF NOT EXISTS hef_receipts (
            receipt_id TEXT PRIMARY KEY,
            client TEXT NOT NULL,
            model_id TEXT NOT NULL,
            key_id TEXT NOT NULL,
            request_sha256 TEXT NOT NULL,
            response_sha256 TEXT NOT NULL,
            time BIGINT NOT NULL,
            server_id TEXT NOT NULL,
            signature TEXT NOT NULL)
        """,
        // Added after version 1 without changing it: a new table that older servers ignore.
        """
        CREATE TABLE IF NOT EXISTS hef_refresh_states (
            request_name TEXT PRIMARY KEY,
            client TEXT NOT NULL,
            model_id TEXT NOT NULL,
            key_id TEXT NOT NULL,
            state BYTEA NOT NULL,
            expires_at BIGINT NOT NULL)
        """,
        "CREATE INDEX IF NOT EXISTS hef_refresh_states_expires_at ON hef_refresh_states(expires_at)",
        "CREATE TABLE IF NOT EXISTS hef_schema (version INTEGER NOT NULL)",
        "INSERT INTO hef_schema (version) SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM hef_schema)",
    ]

    /// Creates the tables when missing. Replicas starting at once serialize on an advisory
    /// lock (concurrent `CREATE TABLE IF NOT EXISTS` can otherwise fail on the catalog).
    func migrate() async throws {
        let logger = self.logger
        try await transaction { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(Self.migrationLock), 0)", logger: logger)
            for statement in Self.schema { try await connection.query(statement, logger: logger) }
            let version = try await connection.query("SELECT MAX(version) FROM hef_schema", logger: logger).collect()
            let found = try version.first?.decode(Int.self) ?? 0
            if found > 1 {
                throw ServiceError.configuration(
                    "the database holds registry schema version \(found); this server knows version 1 (upgrade it)")
            }
        }
    }

    /// One transaction on a pooled connection; the body's own error (a quota refusal, say) is
    /// thrown as is rather than wrapped in `PostgresTransactionError`.
    func transaction<Result>(_ body: (PostgresConnection) async throws -> sending Result) async throws
        -> sending Result
    {
        do {
            return try await client.withTransaction(logger: logger, body)
        } catch let error as PostgresTransactionError {
            if let rollback = error.rollbackError {
                logger.warning("PostgreSQL rollback failed: \(Self.describe(rollback))")
            }
            throw error.closureError ?? error.beginError ?? error.commitError ?? error
        }
    }

    static func lock(_ kind: Int32, _ name: String, _ connection: PostgresConnection, _ logger: Logger) async throws {
        try await connection.query("SELECT pg_advisory_xact_lock(\(kind), hashtext(\(name)))", logger: logger)
    }

    /// Deletes `client`'s registrations of `keyID` (all, or only expired ones), then the key set
    /// when no registration is left, under the key's advisory lock. Returns the registrations removed.
    func removeRegistrations(keyID: String, client: String, expiredBefore: Int64?) async throws -> Int {
        let logger = self.logger
        return try await transaction { connection in
            try await Self.lock(Self.keyLock, keyID, connection, logger)
            let removed: [PostgresRow]
            if let expiredBefore {
                removed = try await connection.query(
                    """
                    DELETE FROM hef_registrations WHERE key_id = \(keyID) AND client = \(client)
                    AND expires_at <= \(expiredBefore) RETURNING 1
                    """, logger: logger
                ).collect()
            } else {
                removed = try await connection.query(
                    "DELETE FROM hef_registrations WHERE key_id = \(keyID) AND client = \(client) RETURNING 1",
                    logger: logger
                ).collect()
            }
            try await connection.query(
                """
                DELETE FROM hef_keys WHERE key_id = \(keyID)
                AND NOT EXISTS (SELECT 1 FROM hef_registrations WHERE key_id = \(keyID))
                """, logger: logger)
            return removed.count
        }
    }

    // MARK: KeyRegistry

    public func replaceTokens(_ tokens: [TokenEntry]) async throws {
        let logger = self.logger
        try await transaction { connection in
            try await connection.query("DELETE FROM hef_tokens", logger: logger)
            for t in tokens {
                try await connection.query(
                    """
                    INSERT INTO hef_tokens (token_hash, client) VALUES (\(t.tokenHash), \(t.client))
                    ON CONFLICT (token_hash) DO UPDATE SET client = EXCLUDED.client
                    """, logger: logger)
            }
        }
    }

    public func client(tokenHash: String) async throws -> String? {
        let rows = try await client.query(
            "SELECT client FROM hef_tokens WHERE token_hash = \(tokenHash)", logger: logger
        ).collect()
        return try rows.first?.decode(String.self)
    }

    public func tokenCount() async throws -> Int {
        try await count("SELECT COUNT(*) FROM hef_tokens")
    }

    func count(_ query: PostgresQuery) async throws -> Int {
        let rows = try await client.query(query, logger: logger).collect()
        return try rows.first?.decode(Int.self) ?? 0
    }

    public func register(_ record: KeyRecord, blob: KeyBlob, client: String, modelID: String) async throws -> Bool {
        try await purgeExpired()
        let logger = self.logger
        let policy = self.policy
        let now = self.now()
        let keyID = record.keyID
        return try await transaction { connection in
            // Client first, then key: the only transaction that holds two of these locks.
            try await Self.lock(Self.clientLock, client, connection, logger)
            try await Self.lock(Self.keyLock, keyID, connection, logger)
            let known = try await connection.query(
                """
                SELECT 1 FROM hef_registrations WHERE key_id = \(keyID) AND client = \(client)
                AND model_id = \(modelID) AND expires_at > \(now)
                """, logger: logger
            ).collect()
            if !known.isEmpty { return false }
            let held = try await connection.query(
                """
                SELECT COUNT(*), COALESCE(SUM(size), 0)::BIGINT, COUNT(*) FILTER (WHERE key_id = \(keyID))
                FROM hef_keys WHERE key_id IN (
                    SELECT key_id FROM hef_registrations WHERE client = \(client) AND expires_at > \(now))
                """, logger: logger
            ).collect()
            let (count, total, mine) = try held.first?.decode((Int, Int64, Int).self) ?? (Int(0), Int64(0), Int(0))
            try policy.check(count: count, bytes: total, adding: record.size, adds: mine == 0)
            // An expired registration of this very triple is replaced (the purge above may
            // have raced with its expiry).
            try await connection.query(
                """
                DELETE FROM hef_registrations WHERE key_id = \(keyID) AND client = \(client)
                AND model_id = \(modelID) AND expires_at <= \(now)
                """, logger: logger)
            let chunks = (blob.size + Self.chunkSize - 1) / Self.chunkSize
            let inserted = try await connection.query(
                """
                INSERT INTO hef_keys (key_id, parameters_id, size, created_at, chunks)
                VALUES (\(keyID), \(record.parametersID), \(Int64(record.size)), \(record.createdAt), \(chunks))
                ON CONFLICT (key_id) DO NOTHING RETURNING 1
                """, logger: logger
            ).collect()
            if !inserted.isEmpty {
                for i in 0..<chunks {
                    // One chunk in memory at a time (a staged upload is read from its file).
                    let buffer = ByteBuffer(
                        bytes: try blob.read((i * Self.chunkSize)..<min(blob.size, (i + 1) * Self.chunkSize)))
                    try await connection.query(
                        "INSERT INTO hef_key_blobs (key_id, chunk, bytes) VALUES (\(keyID), \(i), \(buffer))",
                        logger: logger)
                }
            }
            let registered = try await connection.query(
                """
                INSERT INTO hef_registrations (key_id, client, model_id, created_at, expires_at)
                VALUES (\(keyID), \(client), \(modelID), \(now), \(now + policy.ttl))
                ON CONFLICT (key_id, client, model_id) DO NOTHING RETURNING 1
                """, logger: logger
            ).collect()
            return !registered.isEmpty
        }
    }

    public func registeredKey(keyID: String, client: String, modelID: String) async throws -> KeyRecord? {
        let rows = try await self.client.query(
            """
            SELECT k.key_id, k.parameters_id, k.size, k.created_at, r.expires_at FROM hef_keys k
            JOIN hef_registrations r ON r.key_id = k.key_id
            WHERE k.key_id = \(keyID) AND r.client = \(client) AND r.model_id = \(modelID)
            """, logger: logger
        ).collect()
        guard let row = rows.first else { return nil }
        let (id, parametersID, size, createdAt, expiresAt) = try row.decode(
            (String, String, Int64, Int64, Int64).self)
        if expiresAt <= now() {
            _ = try await removeRegistrations(keyID: keyID, client: client, expiredBefore: now())
            throw KeyPolicy.expired(keyID: keyID, at: expiresAt)
        }
        return KeyRecord(keyID: id, parametersID: parametersID, size: Int(size), createdAt: createdAt)
    }

    public func keyBytes(keyID: String) async throws -> [UInt8] {
        let logger = self.logger
        // One transaction: the chunks and their count come from the same snapshot.
        let (expected, size, rows) = try await transaction { connection in
            try await connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ", logger: logger)
            let key = try await connection.query(
                "SELECT chunks, size FROM hef_keys WHERE key_id = \(keyID)", logger: logger
            ).collect()
            guard let first = key.first else {
                throw ServiceError.internalError("the key blob \(keyID) is missing from the database")
            }
            let (chunks, size) = try first.decode((Int, Int64).self)
            let rows = try await connection.query(
                "SELECT bytes FROM hef_key_blobs WHERE key_id = \(keyID) ORDER BY chunk", logger: logger
            ).collect()
            return (chunks, size, rows)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(size))
        for row in rows {
            var buffer = try row.decode(ByteBuffer.self)
            bytes.append(contentsOf: buffer.readBytes(length: buffer.readableBytes) ?? [])
        }
        guard rows.count == expected, bytes.count == size, SHA256.hash(data: bytes).hexString == keyID else {
            throw ServiceError.internalError("the key blob \(keyID) is corrupted in the database")
        }
        return bytes
    }

    public func deleteKey(keyID: String, client: String) async throws -> Bool {
        try await removeRegistrations(keyID: keyID, client: client, expiredBefore: nil) > 0
    }

    public func keyCount() async throws -> Int {
        try await count("SELECT COUNT(*) FROM hef_keys")
    }

    public func record(_ r: ReceiptRecord) async throws {
        let x = r.receipt
        try await client.query(
            """
            INSERT INTO hef_receipts (receipt_id, client, model_id, key_id, request_sha256, response_sha256, time,
                server_id, signature)
            VALUES (\(x.receiptID), \(r.client), \(x.modelID), \(x.keyID), \(x.requestSHA256), \(x.responseSHA256),
                \(x.time), \(x.serverID), \(x.signature))
            """, logger: logger)
    }

    public func receiptCount() async throws -> Int {
        try await count("SELECT COUNT(*) FROM hef_receipts")
    }

    public func saveRefreshState(_ r: RefreshStateRecord) async throws {
        try await client.query(
            """
            INSERT INTO hef_refresh_states (request_name, client, model_id, key_id, state, expires_at)
            VALUES (\(r.requestName), \(r.client), \(r.modelID), \(r.keyID), \(ByteBuffer(bytes: r.state)), \(r.expiresAt))
            """, logger: logger)
    }

    public func refreshStateCount(client: String, namePrefix: String) async throws -> Int {
        try await count(
            """
            SELECT COUNT(*)::BIGINT FROM hef_refresh_states WHERE client = \(client)
            AND starts_with(request_name, \(namePrefix)) AND expires_at > \(now())
            """)
    }

    public func takeRefreshState(requestName: String, client: String, modelID: String, keyID: String) async throws
        -> RefreshStateRecord?
    {
        // One statement: of two replicas taking the same round trip at once, one gets it.
        let rows = try await self.client.query(
            """
            DELETE FROM hef_refresh_states
            WHERE request_name = \(requestName) AND client = \(client) AND model_id = \(modelID) AND key_id = \(keyID)
            RETURNING state, expires_at
            """, logger: logger
        ).collect()
        guard let row = rows.first else { return nil }
        var (buffer, expiresAt) = try row.decode((ByteBuffer, Int64).self)
        guard expiresAt > now() else { return nil }
        return RefreshStateRecord(
            requestName: requestName, client: client, modelID: modelID, keyID: keyID,
            state: buffer.readBytes(length: buffer.readableBytes) ?? [], expiresAt: expiresAt)
    }

    @discardableResult
    public func purgeExpired() async throws -> Int {
        let now = self.now()
        try await client.query("DELETE FROM hef_refresh_states WHERE expires_at <= \(now)", logger: logger)
        let rows = try await client.query(
            "SELECT key_id, client FROM hef_registrations WHERE expires_at <= \(now) GROUP BY key_id, client",
            logger: logger
        ).collect()
        var removed = 0
        for row in rows {
            let (keyID, client) = try row.decode((String, String).self)
            removed += try await removeRegistrations(keyID: keyID, client: client, expiredBefore: now)
        }
        return removed
    }
}
