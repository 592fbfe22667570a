import Crypto
import Foundation
import GRDB
import HefWire
import Logging

/// One evaluation key set as the registry knows it.
public struct KeyRecord: Sendable, Equatable {
    /// SHA-256 of the uploaded evaluation keys file, hex: the key id.
    public var keyID: String
    public var parametersID: String
    public var size: Int
    public var createdAt: Int64

    /// A key set's record (what `KeyRegistry.register` stores).
    public init(keyID: String, parametersID: String, size: Int, createdAt: Int64) {
        self.keyID = keyID
        self.parametersID = parametersID
        self.size = size
        self.createdAt = createdAt
    }
}

/// The server's state of one client-aided refresh round trip (`HefML.RefreshState` as JSON:
/// its mask seed is secret, with the refresh request it unmasks the intermediate values), kept
/// until the refreshed ciphertexts come back, to this replica or another.
public struct RefreshStateRecord: Sendable, Equatable {
    /// The round trip's id, 32 hex digits (the refresh request and its answer carry it).
    public var requestName: String
    public var client: String
    public var modelID: String
    public var keyID: String
    public var state: [UInt8]
    /// After this time (Unix seconds) the round trip is refused and purged.
    public var expiresAt: Int64

    /// A record from its parts.
    public init(requestName: String, client: String, modelID: String, keyID: String, state: [UInt8], expiresAt: Int64) {
        self.requestName = requestName
        self.client = client
        self.modelID = modelID
        self.keyID = keyID
        self.state = state
        self.expiresAt = expiresAt
    }
}

public struct ReceiptRecord: Sendable {
    public var receipt: Receipt
    public var client: String
}

/// Per-client limits on evaluation key registrations, enforced by every registry.
///
/// A client holds at most `maxKeySetsPerClient` distinct key sets (one key set registered for
/// two models counts once) of at most `maxKeyBytesPerClient` bytes in total; a registration
/// expires `ttl` seconds after it was made and is then refused (410 `key_expired`) and purged.
public struct KeyPolicy: Sendable, Equatable {
    /// Distinct key sets a client may hold at once (default 16); beyond: 429 `key_quota_exceeded`.
    public var maxKeySetsPerClient: Int
    /// Total bytes of a client's key sets (default 4 GiB); beyond: 413 `key_bytes_quota_exceeded`.
    public var maxKeyBytesPerClient: Int64
    /// Seconds a registration lasts (default 30 days).
    public var ttl: Int64

    /// The defaults: 16 key sets, 4 GiB, 30 days.
    public init(maxKeySetsPerClient: Int = 16, maxKeyBytesPerClient: Int64 = 4 << 30, ttl: Int64 = 30 * 86_400) {
        self.maxKeySetsPerClient = maxKeySetsPerClient
        self.maxKeyBytesPerClient = maxKeyBytesPerClient
        self.ttl = ttl
    }

    /// Refuses a registration that would take the client over its limits. `count` and `bytes`
    /// are what the client holds now (live registrations), `adds` whether the key set is new to it.
    func check(count: Int, bytes: Int64, adding size: Int, adds: Bool) throws {
        guard adds else { return }
        if count + 1 > maxKeySetsPerClient {
            throw ServiceError(
                status: .tooManyRequests, code: "key_quota_exceeded",
                message:
                    "this client already holds \(count) key set(s), the limit is \(maxKeySetsPerClient): delete one (DELETE /v1/keys/{keyID}) first"
            )
        }
        if bytes + Int64(size) > maxKeyBytesPerClient {
            throw ServiceError(
                status: .contentTooLarge, code: "key_bytes_quota_exceeded",
                message:
                    "this client's key sets would take \(bytes + Int64(size)) bytes, the limit is \(maxKeyBytesPerClient): delete some (DELETE /v1/keys/{keyID}) first"
            )
        }
    }

    /// The refusal of an expired registration (it is purged as it is refused).
    static func expired(keyID: String, at time: Int64) -> ServiceError {
        let date = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval(time)))
        return ServiceError(
            status: .gone, code: "key_expired",
            message:
                "the registration of evaluation keys \(keyID) expired at \(date) and was removed: upload the keys again"
        )
    }

    /// Parses a duration: seconds (`3600`), or a number with a unit `s`, `m`, `h` or `d`
    /// (`90s`, `15m`, `12h`, `30d`). Nil when the text is not one, or not positive.
    public static func parseDuration(_ text: String) -> Int64? {
        let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
        var digits = Substring(text.trimmingCharacters(in: .whitespaces))
        var unit: Int64 = 1
        if let last = digits.last, let u = units[last] {
            unit = u
            digits = digits.dropLast()
        }
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), let n = Int64(digits), n > 0 else { return nil }
        let (value, overflow) = n.multipliedReportingOverflow(by: unit)
        return overflow ? nil : value
    }

    /// Parses a size in bytes: a number (`1048576`) or a number with a binary unit `KiB`, `MiB`,
    /// `GiB` or `TiB` (also `K`, `M`, `G`, `T`). Nil when the text is not one, or not positive.
    public static func parseBytes(_ text: String) -> Int64? {
        let units: [(String, Int64)] = [
            ("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30), ("TiB", 1 << 40),
            ("K", 1 << 10), ("M", 1 << 20), ("G", 1 << 30), ("T", 1 << 40),
        ]
        var digits = text.trimmingCharacters(in: .whitespaces)
        var unit: Int64 = 1
        for (suffix, value) in units where digits.hasSuffix(suffix) {
            unit = value
            digits = String(digits.dropLast(suffix.count))
            break
        }
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), let n = Int64(digits), n > 0 else { return nil }
        let (value, overflow) = n.multipliedReportingOverflow(by: unit)
        return overflow ? nil : value
    }
}

/// Seconds since 1970, UTC: the registries' clock (tests pass their own).
public typealias RegistryClock = @Sendable () -> Int64

/// The wall clock.
public let systemRegistryClock: RegistryClock = { Int64(Date().timeIntervalSince1970) }

/// The service's persistent state: tokens (hashed), evaluation keys and who registered them
/// for which model, receipts. `SQLiteRegistry` (one server, blobs in a folder) is the default;
/// `PostgresRegistry` lets several replicas share one registry (blobs in the database).
///
/// A key set is shared content (its id is its hash) but registrations are per client and
/// model: a client sees, uses and deletes only the registrations it made. Every registry
/// enforces its `KeyPolicy` (quotas and expiry per client).
public protocol KeyRegistry: Sendable {
    /// Replaces the token table: client name → SHA-256 of the bearer token (hex).
    func replaceTokens(_ tokens: [TokenEntry]) async throws
    /// The client whose token hashes to `tokenHash`, if any.
    func client(tokenHash: String) async throws -> String?
    func tokenCount() async throws -> Int

    /// Stores the key set's bytes (when new; a staged file may be moved, not copied) and registers them for `client` and `modelID`.
    /// Returns false when that registration already existed (the upload was a repeat).
    /// Throws a `ServiceError` (429 `key_quota_exceeded`, 413 `key_bytes_quota_exceeded`) when
    /// the registration would take the client over its `KeyPolicy`.
    func register(_ record: KeyRecord, blob: KeyBlob, client: String, modelID: String) async throws -> Bool
    /// The key set when `client` registered it for `modelID`. An expired registration is purged
    /// and refused with a `ServiceError` (410 `key_expired`).
    func registeredKey(keyID: String, client: String, modelID: String) async throws -> KeyRecord?
    /// The stored bytes of a key set.
    func keyBytes(keyID: String) async throws -> [UInt8]
    /// The stored key set as a blob whose parts are read into their own arrays (checked against
    /// its hash first).
    func keyBlob(keyID: String) async throws -> KeyBlob
    /// Removes `client`'s registrations of the key (the bytes go when no registration is
    /// left). Returns false when the client had none.
    func deleteKey(keyID: String, client: String) async throws -> Bool
    func keyCount() async throws -> Int

    func record(_ receipt: ReceiptRecord) async throws
    func receiptCount() async throws -> Int

    /// Keeps a refresh round trip's state until its answer comes back.
    func saveRefreshState(_ record: RefreshStateRecord) async throws
    /// Removes and answers the state of a round trip `client` started on `modelID` with key
    /// set `keyID` (a state is used once); nil when unknown, another client's or key set's,
    /// or expired.
    func takeRefreshState(requestName: String, client: String, modelID: String, keyID: String) async throws
        -> RefreshStateRecord?
    /// How many unexpired one-time records of `client` have a name starting with `namePrefix`
    /// (the ciphertext uploads it has parked).
    func refreshStateCount(client: String, namePrefix: String) async throws -> Int

    /// Removes every expired registration (and the key sets no registration is left for).
    /// Returns how many registrations went.
    @discardableResult
    func purgeExpired() async throws -> Int
    /// Releases connections; the registry is not used afterwards.
    func shutdown() async
}

extension KeyRegistry {
    /// Nothing to release by default.
    public func shutdown() async {}

    /// The key set's bytes in memory (registries without files).
    public func keyBlob(keyID: String) async throws -> KeyBlob { .bytes(try await keyBytes(keyID: keyID)) }

    /// Stores key bytes held in memory (see ``KeyRegistry/register(_:blob:client:modelID:)``).
    public func register(_ record: KeyRecord, bytes: [UInt8], client: String, modelID: String) async throws -> Bool {
        try await register(record, blob: .bytes(bytes), client: client, modelID: modelID)
    }
}

extension HefServer {
    /// The registry the configuration names: PostgreSQL when `database` is set, else SQLite
    /// under the data folder; both enforce `keyPolicy`.
    static func openRegistry(_ configuration: ServiceConfiguration, logger: Logger) async throws -> any KeyRegistry {
        if let location = configuration.database {
            let registry = try await PostgresRegistry(
                location: location, policy: configuration.keyPolicy, logger: logger)
            logger.info("registry: PostgreSQL at \(location)")
            return registry
        }
        return try SQLiteRegistry(dataDirectory: configuration.dataDirectory, policy: configuration.keyPolicy)
    }
}

/// Large key blobs live in a content-addressed folder, `DATA/blobs/sha256/ab/abcdef…`, that the
/// database indexes, not in the database: an evaluation key set is tens to hundreds of
/// megabytes; as files they are written once with an atomic rename, read with one sequential
/// read, deduplicated by their hash, and the SQLite file stays small (fast backups, no page
/// churn, no vacuum after deletes). The hash in the path lets a reader check what it read.
struct BlobFolder: Sendable {
    let root: URL

    init(root: URL) throws {
        self.root = root
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    func path(for hash: String) -> URL {
        root.appendingPathComponent(String(hash.prefix(2))).appendingPathComponent(hash)
    }

    /// Stores a blob under its hash: a staged file is moved in (one rename), bytes are written
    /// to a temporary file first; either way a reader never sees a partial blob.
    func put(_ blob: KeyBlob, hash: String) throws {
        let target = path(for: hash)
        let fm = FileManager.default
        if fm.fileExists(atPath: target.path) { return }
        try fm.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        let source: URL
        switch blob {
        case .file(let url, _):
            source = url
        case .bytes(let bytes):
            source = root.appendingPathComponent(".tmp-\(UUID().uuidString)")
            try Data(bytes).write(to: source)
        }
        if rename(source.path, target.path) != 0 {
            if case .bytes = blob { try? fm.removeItem(at: source) }
            throw ServiceError.internalError("cannot store a key blob")
        }
    }

    /// The blob's file, after its SHA-256 was checked by reading it through once (4 MiB at a
    /// time).
    func verifiedFile(_ hash: String) throws -> KeyBlob {
        let url = path(for: hash)
        guard let handle = try? FileHandle(forReadingFrom: url) else {
            throw ServiceError.internalError("the key blob \(hash) is missing from the data folder")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        var size = 0
        while let chunk = try? handle.read(upToCount: 4 << 20), !chunk.isEmpty {
            hasher.update(data: chunk)
            size += chunk.count
        }
        guard hasher.finalize().hexString == hash else {
            throw ServiceError.internalError("the key blob \(hash) is corrupted")
        }
        return .file(url, size: size)
    }

    func get(_ hash: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path(for: hash).path) else {
            throw ServiceError.internalError("the key blob \(hash) is missing from the data folder")
        }
        let bytes = Array(data)
        guard SHA256.hash(data: bytes).hexString == hash else {
            throw ServiceError.internalError("the key blob \(hash) is corrupted")
        }
        return bytes
    }

    func remove(_ hash: String) {
        try? FileManager.default.removeItem(at: path(for: hash))
    }
}

/// The embedded registry: `DATA/registry.sqlite` (GRDB, WAL) plus the blob folder.
public final class SQLiteRegistry: KeyRegistry {
    let database: DatabasePool
    let blobs: BlobFolder
    /// The quotas and expiry it enforces.
    public let policy: KeyPolicy
    let now: RegistryClock

    /// Opens (creating when needed) the registry in `dataDirectory`; `now` is its clock.
    public init(dataDirectory: URL, policy: KeyPolicy = KeyPolicy(), now: @escaping RegistryClock = systemRegistryClock)
        throws
    {
        self.policy = policy
        self.now = now
        do {
            try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
            var configuration = Configuration()
            // Wait for a lock instead of failing at once: another process (a restart while the
            // old one closes, a second server on the same folder) may hold it briefly.
            configuration.busyMode = .timeout(10)
            // WAL with synchronous=NORMAL: a commit survives the process being killed (the load
            // test kills the server mid-run) but not a power cut or a kernel crash, which may lose
            // the last commits (a receipt the client already holds, signed; a key registration the
            // client re-uploads on "unknown_key"). FULL would fsync every inference's receipt.
            configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
            database = try DatabasePool(
                path: dataDirectory.appendingPathComponent("registry.sqlite").path, configuration: configuration)
            blobs = try BlobFolder(root: dataDirectory.appendingPathComponent("blobs/sha256"))
            try Self.migrator(ttl: policy.ttl).migrate(database)
            let blobs = self.blobs
            try database.write { db in try Self.purgeExpired(db, now: now(), blobs: blobs) }
        } catch let error as ServiceError {
            throw error
        } catch {
            throw ServiceError.configuration("cannot open the registry in \(dataDirectory.path): \(error)")
        }
    }

    static func migrator(ttl: Int64) -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE tokens (
                        tokenHash TEXT PRIMARY KEY NOT NULL,
                        client TEXT NOT NULL);
                    CREATE TABLE keys (
                        keyID TEXT PRIMARY KEY NOT NULL,
                        parametersID TEXT NOT NULL,
                        size INTEGER NOT NULL,
                        createdAt INTEGER NOT NULL);
                    CREATE TABLE registrations (
                        keyID TEXT NOT NULL REFERENCES keys(keyID) ON DELETE CASCADE,
                        client TEXT NOT NULL,
                        modelID TEXT NOT NULL,
                        createdAt INTEGER NOT NULL,
                        PRIMARY KEY (keyID, client, modelID));
                    CREATE INDEX registrations_client ON registrations(client);
                    CREATE TABLE receipts (
                        receiptID TEXT PRIMARY KEY NOT NULL,
                        client TEXT NOT NULL,
                        modelID TEXT NOT NULL,
                        keyID TEXT NOT NULL,
                        requestSHA256 TEXT NOT NULL,
                        responseSHA256 TEXT NOT NULL,
                        time INTEGER NOT NULL,
                        serverID TEXT NOT NULL,
                        signature TEXT NOT NULL);
                    """)
        }
        // Expiry: registrations made before it last the TTL of the first start that migrates.
        migrator.registerMigration("v2-expiry") { db in
            try db.execute(sql: "ALTER TABLE registrations ADD COLUMN expiresAt INTEGER")
            try db.execute(sql: "UPDATE registrations SET expiresAt = createdAt + ?", arguments: [ttl])
            try db.execute(sql: "CREATE INDEX registrations_expiresAt ON registrations(expiresAt)")
        }
        migrator.registerMigration("v3-refresh") { db in
            try db.execute(
                sql: """
                    CREATE TABLE refreshStates (
                        requestName TEXT PRIMARY KEY NOT NULL,
                        client TEXT NOT NULL,
                        modelID TEXT NOT NULL,
                        keyID TEXT NOT NULL,
                        state BLOB NOT NULL,
                        expiresAt INTEGER NOT NULL);
                    CREATE INDEX refreshStates_expiresAt ON refreshStates(expiresAt);
                    """)
        }
        return migrator
    }

    public func replaceTokens(_ tokens: [TokenEntry]) async throws {
        try await database.write { db in
            try db.execute(sql: "DELETE FROM tokens")
            for t in tokens {
                try db.execute(
                    sql: "INSERT OR REPLACE INTO tokens (tokenHash, client) VALUES (?, ?)",
                    arguments: [t.tokenHash, t.client])
            }
        }
    }

    public func client(tokenHash: String) async throws -> String? {
        try await database.read { db in
            try String.fetchOne(db, sql: "SELECT client FROM tokens WHERE tokenHash = ?", arguments: [tokenHash])
        }
    }

    public func tokenCount() async throws -> Int {
        try await database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM tokens") ?? 0 }
    }

    public func register(_ record: KeyRecord, blob: KeyBlob, client: String, modelID: String) async throws -> Bool {
        // The blob first (idempotent, atomic), then the rows: a crash in between leaves an
        // unindexed blob, never a row without its blob. Inside the write transaction, so that
        // a concurrent delete of the same content cannot remove the blob under new rows.
        // SQLite serializes write transactions: the quota check and the insert are one step.
        let blobs = self.blobs
        let policy = self.policy
        let now = self.now()
        return try await database.write { db in
            try Self.purgeExpired(db, now: now, blobs: blobs)
            let known = try Bool.fetchOne(
                db,
                sql: "SELECT EXISTS (SELECT 1 FROM registrations WHERE keyID = ? AND client = ? AND modelID = ?)",
                arguments: [record.keyID, client, modelID])
            if known == true { return false }
            guard
                let held = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT COUNT(*) AS n, COALESCE(SUM(size), 0) AS bytes,
                            COALESCE(SUM(keyID = ?), 0) AS mine
                        FROM keys WHERE keyID IN (SELECT keyID FROM registrations WHERE client = ?)
                        """, arguments: [record.keyID, client])
            else { throw ServiceError.internalError("the registry did not count this client's keys") }
            let count: Int = held["n"]
            let total: Int64 = held["bytes"]
            let mine: Int = held["mine"]
            try policy.check(count: count, bytes: total, adding: record.size, adds: mine == 0)
            try blobs.put(blob, hash: record.keyID)
            try db.execute(
                sql: "INSERT OR IGNORE INTO keys (keyID, parametersID, size, createdAt) VALUES (?, ?, ?, ?)",
                arguments: [record.keyID, record.parametersID, record.size, record.createdAt])
            try db.execute(
                sql: """
                    INSERT OR IGNORE INTO registrations (keyID, client, modelID, createdAt, expiresAt)
                    VALUES (?, ?, ?, ?, ?)
                    """,
                arguments: [record.keyID, client, modelID, now, now + policy.ttl])
            return db.changesCount > 0
        }
    }

    /// Deletes the expired refresh states and registrations, then the keys (rows and blobs)
    /// left without a registration.
    static func purgeExpired(_ db: Database, now: Int64, blobs: BlobFolder) throws {
        try db.execute(sql: "DELETE FROM refreshStates WHERE expiresAt <= ?", arguments: [now])
        try db.execute(sql: "DELETE FROM registrations WHERE expiresAt <= ?", arguments: [now])
        guard db.changesCount > 0 else { return }
        let orphans = try String.fetchAll(
            db, sql: "SELECT keyID FROM keys WHERE keyID NOT IN (SELECT keyID FROM registrations)")
        for keyID in orphans {
            try db.execute(sql: "DELETE FROM keys WHERE keyID = ?", arguments: [keyID])
            blobs.remove(keyID)
        }
    }

    @discardableResult
    public func purgeExpired() async throws -> Int {
        let blobs = self.blobs
        let now = self.now()
        return try await database.write { db in
            let expired =
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM registrations WHERE expiresAt <= ?", arguments: [now])
                ?? 0
            try Self.purgeExpired(db, now: now, blobs: blobs)
            return expired
        }
    }

    public func registeredKey(keyID: String, client: String, modelID: String) async throws -> KeyRecord? {
        let found = try await database.read { db -> (KeyRecord, Int64)? in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT k.keyID, k.parametersID, k.size, k.createdAt, r.expiresAt FROM keys k
                        JOIN registrations r ON r.keyID = k.keyID
                        WHERE k.keyID = ? AND r.client = ? AND r.modelID = ?
                        """, arguments: [keyID, client, modelID])
            else { return nil }
            return (
                KeyRecord(
                    keyID: row["keyID"], parametersID: row["parametersID"], size: row["size"],
                    createdAt: row["createdAt"]),
                row["expiresAt"]
            )
        }
        guard let found else { return nil }
        let (record, expiresAt) = found
        if expiresAt <= now() {
            try await purgeExpired()
            throw KeyPolicy.expired(keyID: keyID, at: expiresAt)
        }
        return record
    }

    public func keyBlob(keyID: String) async throws -> KeyBlob {
        try blobs.verifiedFile(keyID)
    }

    public func keyBytes(keyID: String) async throws -> [UInt8] {
        try blobs.get(keyID)
    }

    public func deleteKey(keyID: String, client: String) async throws -> Bool {
        let blobs = self.blobs
        return try await database.write { db -> Bool in
            try db.execute(sql: "DELETE FROM registrations WHERE keyID = ? AND client = ?", arguments: [keyID, client])
            let deleted = db.changesCount > 0
            let left =
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM registrations WHERE keyID = ?", arguments: [keyID]) ?? 0
            if deleted && left == 0 {
                try db.execute(sql: "DELETE FROM keys WHERE keyID = ?", arguments: [keyID])
                blobs.remove(keyID)
            }
            return deleted
        }
    }

    public func keyCount() async throws -> Int {
        try await database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM keys") ?? 0 }
    }

    public func record(_ r: ReceiptRecord) async throws {
        let x = r.receipt
        try await database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO receipts (receiptID, client, modelID, keyID, requestSHA256, responseSHA256, time, serverID, signature)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    x.receiptID, r.client, x.modelID, x.keyID, x.requestSHA256, x.responseSHA256, x.time, x.serverID,
                    x.signature,
                ])
        }
    }

    public func receiptCount() async throws -> Int {
        try await database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM receipts") ?? 0 }
    }

    public func saveRefreshState(_ r: RefreshStateRecord) async throws {
        try await database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO refreshStates (requestName, client, modelID, keyID, state, expiresAt)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [r.requestName, r.client, r.modelID, r.keyID, Data(r.state), r.expiresAt])
        }
    }

    public func refreshStateCount(client: String, namePrefix: String) async throws -> Int {
        let now = self.now()
        return try await database.read { db in
            try Int.fetchOne(
                db,
                sql:
                    "SELECT COUNT(*) FROM refreshStates WHERE client = ? AND substr(requestName, 1, ?) = ? AND expiresAt > ?",
                arguments: [client, namePrefix.utf8.count, namePrefix, now]) ?? 0
        }
    }

    public func takeRefreshState(requestName: String, client: String, modelID: String, keyID: String) async throws
        -> RefreshStateRecord?
    {
        let now = self.now()
        return try await database.write { db -> RefreshStateRecord? in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT state, expiresAt FROM refreshStates
                        WHERE requestName = ? AND client = ? AND modelID = ? AND keyID = ?
                        """, arguments: [requestName, client, modelID, keyID])
            else { return nil }
            try db.execute(sql: "DELETE FROM refreshStates WHERE requestName = ?", arguments: [requestName])
            let expiresAt: Int64 = row["expiresAt"]
            guard expiresAt > now else { return nil }
            let state: Data = row["state"]
            return RefreshStateRecord(
                requestName: requestName, client: client, modelID: modelID, keyID: keyID, state: Array(state),
                expiresAt: expiresAt)
        }
    }
}
