import Crypto
import Foundation
import GRDB
import HefWire

/// One evaluation key set as the registry knows it.
public struct KeyRecord: Sendable, Equatable {
    /// SHA-256 of the uploaded evaluation keys file, hex: the key id.
    public var keyID: String
    public var parametersID: String
    public var size: Int
    public var createdAt: Int64
}

public struct ReceiptRecord: Sendable {
    public var receipt: Receipt
    public var client: String
}

/// The service's persistent state: tokens (hashed), evaluation keys and who registered them
/// for which model, receipts. SQLite (`SQLiteRegistry`) is the default; the protocol is the
/// seam for PostgreSQL (several replicas sharing one registry).
///
/// A key set is shared content (its id is its hash) but registrations are per client and
/// model: a client sees, uses and deletes only the registrations it made.
public protocol KeyRegistry: Sendable {
    /// Replaces the token table: client name → SHA-256 of the bearer token (hex).
    func replaceTokens(_ tokens: [TokenEntry]) async throws
    /// The client whose token hashes to `tokenHash`, if any.
    func client(tokenHash: String) async throws -> String?
    func tokenCount() async throws -> Int

    /// Stores the key bytes (when new) and registers them for `client` and `modelID`.
    /// Returns false when that registration already existed (the upload was a repeat).
    func register(_ record: KeyRecord, bytes: [UInt8], client: String, modelID: String) async throws -> Bool
    /// The key set when `client` registered it for `modelID`.
    func registeredKey(keyID: String, client: String, modelID: String) async throws -> KeyRecord?
    /// The stored bytes of a key set.
    func keyBytes(keyID: String) async throws -> [UInt8]
    /// Removes `client`'s registrations of the key (the bytes go when no registration is
    /// left). Returns false when the client had none.
    func deleteKey(keyID: String, client: String) async throws -> Bool
    func keyCount() async throws -> Int

    func record(_ receipt: ReceiptRecord) async throws
    func receiptCount() async throws -> Int
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

    func put(_ bytes: [UInt8], hash: String) throws {
        let target = path(for: hash)
        let fm = FileManager.default
        if fm.fileExists(atPath: target.path) { return }
        try fm.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        let temporary = root.appendingPathComponent(".tmp-\(UUID().uuidString)")
        try Data(bytes).write(to: temporary)
        if rename(temporary.path, target.path) != 0 {
            try? fm.removeItem(at: temporary)
            throw ServiceError.internalError("cannot store a key blob")
        }
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

    public init(dataDirectory: URL) throws {
        do {
            try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
            var configuration = Configuration()
            // Wait for a lock instead of failing at once: another process (a restart while the
            // old one closes, a second server on the same folder) may hold it briefly.
            configuration.busyMode = .timeout(10)
            database = try DatabasePool(
                path: dataDirectory.appendingPathComponent("registry.sqlite").path, configuration: configuration)
            blobs = try BlobFolder(root: dataDirectory.appendingPathComponent("blobs/sha256"))
            try Self.migrator.migrate(database)
        } catch let error as ServiceError {
            throw error
        } catch {
            throw ServiceError.configuration("cannot open the registry in \(dataDirectory.path): \(error)")
        }
    }

    static var migrator: DatabaseMigrator {
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

    public func register(_ record: KeyRecord, bytes: [UInt8], client: String, modelID: String) async throws -> Bool {
        // The blob first (idempotent, atomic), then the rows: a crash in between leaves an
        // unindexed blob, never a row without its blob. Inside the write transaction, so that
        // a concurrent delete of the same content cannot remove the blob under new rows.
        let blobs = self.blobs
        return try await database.write { db in
            try blobs.put(bytes, hash: record.keyID)
            try db.execute(
                sql: "INSERT OR IGNORE INTO keys (keyID, parametersID, size, createdAt) VALUES (?, ?, ?, ?)",
                arguments: [record.keyID, record.parametersID, record.size, record.createdAt])
            try db.execute(
                sql: "INSERT OR IGNORE INTO registrations (keyID, client, modelID, createdAt) VALUES (?, ?, ?, ?)",
                arguments: [record.keyID, client, modelID, record.createdAt])
            return db.changesCount > 0
        }
    }

    public func registeredKey(keyID: String, client: String, modelID: String) async throws -> KeyRecord? {
        try await database.read { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT k.keyID, k.parametersID, k.size, k.createdAt FROM keys k
                        JOIN registrations r ON r.keyID = k.keyID
                        WHERE k.keyID = ? AND r.client = ? AND r.modelID = ?
                        """, arguments: [keyID, client, modelID])
            else { return nil }
            return KeyRecord(
                keyID: row["keyID"], parametersID: row["parametersID"], size: row["size"], createdAt: row["createdAt"])
        }
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
}
