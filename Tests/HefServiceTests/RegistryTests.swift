import Crypto
import Foundation
import HefService
import HefTestSupport
import HefWire
import Hummingbird
import Testing

/// Fake key bytes of a given size (the registry stores bytes; it does not parse them).
private func fakeKey(_ seed: UInt8, size: Int) -> (record: KeyRecord, bytes: [UInt8]) {
    var bytes = [UInt8](repeating: 0, count: size)
    for i in bytes.indices { bytes[i] = UInt8(truncatingIfNeeded: i &* 31 &+ Int(seed) &* 7) ^ seed }
    let keyID = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    return (KeyRecord(keyID: keyID, parametersID: "params-\(seed)", size: size, createdAt: 1), bytes)
}

/// The `ServiceError` code a registry call refused with (nil when it did not throw one).
private func refusal(_ body: () async throws -> Void) async -> ServiceError? {
    do {
        try await body()
        return nil
    } catch let error as ServiceError {
        return error
    } catch {
        Issue.record("not a ServiceError: \(error)")
        return nil
    }
}

/// Key sets 3, 12 MiB, 1000 s: what `registrySemantics` expects.
let testPolicy = KeyPolicy(maxKeySetsPerClient: 3, maxKeyBytesPerClient: 12 << 20, ttl: 1000)

/// The registry contract, the same for SQLite and PostgreSQL: scoping per client, idempotent
/// registration, shared content, deletion, quotas and expiry. `clock` drives the registry.
func registrySemantics(_ registry: any KeyRegistry, clock: TestClock) async throws {
    // Tokens: replaced as a whole.
    try await registry.replaceTokens([TokenEntry(client: "alice", token: "a-token-1")])
    #expect(try await registry.client(tokenHash: TokenEntry.hash("a-token-1")) == "alice")
    try await registry.replaceTokens([TokenEntry(client: "bob", token: "b-token-1")])
    #expect(try await registry.client(tokenHash: TokenEntry.hash("a-token-1")) == nil)
    #expect(try await registry.client(tokenHash: TokenEntry.hash("b-token-1")) == "bob")
    #expect(try await registry.tokenCount() == 1)

    // k1 spans two 4 MiB chunks and a bit (PostgreSQL); k3 would take alice over 12 MiB.
    let k1 = fakeKey(1, size: (8 << 20) + 3)
    let k2 = fakeKey(2, size: 1000)
    let k3 = fakeKey(3, size: 4 << 20)
    let k4 = fakeKey(4, size: 2000)
    let k5 = fakeKey(5, size: 10)

    // Register, repeat, scoping.
    #expect(try await registry.register(k1.record, bytes: k1.bytes, client: "alice", modelID: "m1"))
    #expect(try await !registry.register(k1.record, bytes: k1.bytes, client: "alice", modelID: "m1"))
    #expect(try await registry.keyBytes(keyID: k1.record.keyID) == k1.bytes)
    let seen = try await registry.registeredKey(keyID: k1.record.keyID, client: "alice", modelID: "m1")
    #expect(seen?.size == k1.record.size && seen?.parametersID == "params-1")
    #expect(try await registry.registeredKey(keyID: k1.record.keyID, client: "bob", modelID: "m1") == nil)
    #expect(try await registry.registeredKey(keyID: k1.record.keyID, client: "alice", modelID: "m2") == nil)
    #expect(try await !registry.deleteKey(keyID: k1.record.keyID, client: "bob"))
    #expect(try await registry.registeredKey(keyID: k1.record.keyID, client: "alice", modelID: "m1") != nil)

    // Shared content: bob registers the same bytes; alice's delete leaves bob's.
    #expect(try await registry.register(k1.record, bytes: k1.bytes, client: "bob", modelID: "m1"))
    #expect(try await registry.keyCount() == 1)
    #expect(try await registry.deleteKey(keyID: k1.record.keyID, client: "alice"))
    #expect(try await !registry.deleteKey(keyID: k1.record.keyID, client: "alice"))
    #expect(try await registry.registeredKey(keyID: k1.record.keyID, client: "alice", modelID: "m1") == nil)
    #expect(try await registry.registeredKey(keyID: k1.record.keyID, client: "bob", modelID: "m1") != nil)
    #expect(try await registry.keyBytes(keyID: k1.record.keyID) == k1.bytes)
    #expect(try await registry.deleteKey(keyID: k1.record.keyID, client: "bob"))
    #expect(try await registry.keyCount() == 0)
    await #expect(throws: ServiceError.self) { try await registry.keyBytes(keyID: k1.record.keyID) }

    // Quotas: 3 key sets (one set registered for two models counts once), 12 MiB.
    let start = clock.now
    #expect(try await registry.register(k1.record, bytes: k1.bytes, client: "alice", modelID: "m1"))
    #expect(try await registry.register(k2.record, bytes: k2.bytes, client: "alice", modelID: "m1"))
    #expect(try await registry.register(k1.record, bytes: k1.bytes, client: "alice", modelID: "m2"))
    let tooBig = await refusal {
        _ = try await registry.register(k3.record, bytes: k3.bytes, client: "alice", modelID: "m1")
    }
    #expect(tooBig?.code == "key_bytes_quota_exceeded" && tooBig?.status == .contentTooLarge)
    #expect(try await registry.register(k4.record, bytes: k4.bytes, client: "alice", modelID: "m1"))
    let tooMany = await refusal {
        _ = try await registry.register(k5.record, bytes: k5.bytes, client: "alice", modelID: "m1")
    }
    #expect(tooMany?.code == "key_quota_exceeded" && tooMany?.status == .tooManyRequests)
    // A repeat of a held registration is still answered (no quota involved).
    #expect(try await !registry.register(k4.record, bytes: k4.bytes, client: "alice", modelID: "m1"))
    // Quotas are per client.
    #expect(try await registry.register(k5.record, bytes: k5.bytes, client: "bob", modelID: "m1"))
    #expect(try await registry.keyCount() == 4)

    // Expiry: bob registers k2 later; then alice's registrations (and bob's k5) expire.
    clock.advance(500)
    #expect(try await registry.register(k2.record, bytes: k2.bytes, client: "bob", modelID: "m1"))
    clock.advance(600)
    #expect(clock.now - start == 1100)
    let expired = await refusal {
        _ = try await registry.registeredKey(keyID: k1.record.keyID, client: "alice", modelID: "m1")
    }
    #expect(expired?.code == "key_expired" && expired?.status == .gone)
    #expect(expired?.message.contains(k1.record.keyID) == true)
    // Refused once, then gone.
    #expect(try await registry.registeredKey(keyID: k1.record.keyID, client: "alice", modelID: "m1") == nil)
    _ = try await registry.purgeExpired()
    #expect(try await registry.purgeExpired() == 0)
    for key in [k1, k2, k4] {
        for model in ["m1", "m2"] {
            #expect(try await registry.registeredKey(keyID: key.record.keyID, client: "alice", modelID: model) == nil)
        }
    }
    #expect(try await registry.registeredKey(keyID: k5.record.keyID, client: "bob", modelID: "m1") == nil)
    #expect(try await registry.registeredKey(keyID: k2.record.keyID, client: "bob", modelID: "m1") != nil)
    // Only k2 is left (bob's live registration); the others' bytes are gone.
    #expect(try await registry.keyCount() == 1)
    await #expect(throws: ServiceError.self) { try await registry.keyBytes(keyID: k1.record.keyID) }
    #expect(try await registry.keyBytes(keyID: k2.record.keyID) == k2.bytes)
    // Expired registrations count for nothing: alice has room again.
    #expect(try await registry.register(k1.record, bytes: k1.bytes, client: "alice", modelID: "m1"))
    #expect(try await registry.register(k4.record, bytes: k4.bytes, client: "alice", modelID: "m1"))
    #expect(try await registry.keyBytes(keyID: k1.record.keyID) == k1.bytes)
    #expect(try await registry.keyCount() == 3)

    // Refresh round trips: taken once, only by the client, model and key set that opened them,
    // and not after they expire.
    let state = RefreshStateRecord(
        requestName: String(repeating: "ab", count: 16), client: "alice", modelID: "m1", keyID: k1.record.keyID,
        state: Array("{\"mask\": 1}".utf8), expiresAt: clock.now + 60)
    try await registry.saveRefreshState(state)
    for (client, model, key) in [
        ("bob", "m1", k1.record.keyID), ("alice", "m2", k1.record.keyID), ("alice", "m1", "x"),
    ] {
        #expect(
            try await registry.takeRefreshState(
                requestName: state.requestName, client: client, modelID: model, keyID: key) == nil)
    }
    #expect(
        try await registry.takeRefreshState(
            requestName: state.requestName, client: "alice", modelID: "m1", keyID: k1.record.keyID) == state)
    #expect(
        try await registry.takeRefreshState(
            requestName: state.requestName, client: "alice", modelID: "m1", keyID: k1.record.keyID) == nil)
    try await registry.saveRefreshState(state)
    // Parked ciphertext uploads are counted per client by name prefix (the round trip is not one).
    for (i, client) in ["alice", "alice", "bob"].enumerated() {
        var upload = state
        upload.requestName = "upload-\(i)"
        upload.client = client
        try await registry.saveRefreshState(upload)
    }
    #expect(try await registry.refreshStateCount(client: "alice", namePrefix: "upload-") == 2)
    #expect(try await registry.refreshStateCount(client: "bob", namePrefix: "upload-") == 1)
    #expect(try await registry.refreshStateCount(client: "carol", namePrefix: "upload-") == 0)
    clock.advance(61)
    #expect(try await registry.refreshStateCount(client: "alice", namePrefix: "upload-") == 0)
    #expect(
        try await registry.takeRefreshState(
            requestName: state.requestName, client: "alice", modelID: "m1", keyID: k1.record.keyID) == nil)
}

/// Two registries on one store (two replicas): concurrent registrations of one key set answer
/// `created` exactly once, and concurrent registrations of distinct key sets by one client
/// never exceed its quota.
func registryConcurrency(_ a: any KeyRegistry, _ b: any KeyRegistry) async throws {
    let k = fakeKey(9, size: 5000)
    let created = try await withThrowingTaskGroup(of: Bool.self) { group in
        for i in 0..<8 {
            let registry = i % 2 == 0 ? a : b
            group.addTask { try await registry.register(k.record, bytes: k.bytes, client: "carol", modelID: "m") }
        }
        return try await group.reduce(into: [Bool]()) { $0.append($1) }
    }
    #expect(created.filter { $0 }.count == 1, "created answers: \(created)")
    #expect(try await b.registeredKey(keyID: k.record.keyID, client: "carol", modelID: "m") != nil)

    // carol holds 1 of 3 sets: of 6 concurrent new ones, 2 fit.
    let outcomes = try await withThrowingTaskGroup(of: String.self) { group in
        for i in 0..<6 {
            let registry = i % 2 == 0 ? a : b
            let key = fakeKey(UInt8(20 + i), size: 100)
            group.addTask {
                do {
                    return try await registry.register(key.record, bytes: key.bytes, client: "carol", modelID: "m")
                        ? "created" : "repeat"
                } catch let error as ServiceError {
                    return error.code
                }
            }
        }
        return try await group.reduce(into: [String]()) { $0.append($1) }
    }
    #expect(outcomes.filter { $0 == "created" }.count == 2, "\(outcomes)")
    #expect(outcomes.filter { $0 == "key_quota_exceeded" }.count == 4, "\(outcomes)")
}

@Suite("Key registries")
struct RegistryTests {
    @Test func sqliteRegistry() async throws {
        let data = try temporaryDirectory("registry")
        defer { try? FileManager.default.removeItem(at: data) }
        let clock = TestClock()
        try await registrySemantics(
            SQLiteRegistry(dataDirectory: data, policy: testPolicy, now: clock.clock), clock: clock)
    }

    @Test func sqliteRegistryTwoInstances() async throws {
        let data = try temporaryDirectory("registry-two")
        defer { try? FileManager.default.removeItem(at: data) }
        try await registryConcurrency(
            SQLiteRegistry(dataDirectory: data, policy: testPolicy),
            SQLiteRegistry(dataDirectory: data, policy: testPolicy))
    }

    // Skipped (with this message) without a server; in CI (`CI` set) it runs and fails without one.
    @Test(.enabled(if: TestPostgres.enabled, Comment(rawValue: TestPostgres.skipped)))
    func postgresRegistry() async throws {
        try await TestPostgres.withDatabase { url in
            let clock = TestClock()
            let registry = try await PostgresRegistry(
                location: PostgresLocation(url: url), policy: testPolicy, now: clock.clock,
                connectTimeout: TestPostgres.connectTimeout)
            do {
                try await registrySemantics(registry, clock: clock)
                // A second start on the same database: the schema step is idempotent, rows stay.
                let again = try await PostgresRegistry(
                    location: PostgresLocation(url: url), policy: testPolicy, now: clock.clock,
                    connectTimeout: TestPostgres.connectTimeout)
                #expect(try await again.keyCount() == 3)
                await again.shutdown()
            } catch {
                await registry.shutdown()
                throw error
            }
            await registry.shutdown()
        }
    }

    @Test(.enabled(if: TestPostgres.enabled, Comment(rawValue: TestPostgres.skipped)))
    func postgresTwoReplicasStartAndRegisterAtOnce() async throws {
        try await TestPostgres.withDatabase { url in
            // Both create the schema at the same moment (the advisory lock serializes them).
            async let first = PostgresRegistry(
                location: PostgresLocation(url: url), policy: testPolicy, connectTimeout: TestPostgres.connectTimeout)
            async let second = PostgresRegistry(
                location: PostgresLocation(url: url), policy: testPolicy, connectTimeout: TestPostgres.connectTimeout)
            let (a, b) = try await (first, second)
            do {
                try await registryConcurrency(a, b)
            } catch {
                await a.shutdown()
                await b.shutdown()
                throw error
            }
            await a.shutdown()
            await b.shutdown()
        }
    }

    @Test func postgresLocationParsesAndHidesThePassword() throws {
        let location = try PostgresLocation(url: "postgres://hef:s%40cret@db.example:6543/registry?sslmode=disable")
        #expect(location.host == "db.example" && location.port == 6543)
        #expect(location.username == "hef" && location.password == "s@cret" && location.database == "registry")
        #expect(location.sslMode == "disable")
        #expect(!location.description.contains("cret"))
        let defaults = try PostgresLocation(url: "postgresql://hef@localhost")
        #expect(defaults.port == 5432 && defaults.database == "hef" && defaults.sslMode == "prefer")
        for bad in [
            "mysql://hef@localhost/db", "postgres://localhost/db", "postgres://hef@/db", "not a url",
            "postgres://hef@localhost/db?sslmode=sometimes",
        ] {
            #expect(throws: ServiceError.self, "\(bad)") { try PostgresLocation(url: bad) }
        }
    }

    @Test func policyParsesDurationsAndSizes() {
        #expect(KeyPolicy.parseDuration("3600") == 3600)
        #expect(KeyPolicy.parseDuration("90s") == 90)
        #expect(KeyPolicy.parseDuration("15m") == 900)
        #expect(KeyPolicy.parseDuration("12h") == 43_200)
        #expect(KeyPolicy.parseDuration("30d") == 2_592_000)
        for bad in ["", "d", "0", "-5", "1w", "soon", "99999999999999999999d"] {
            #expect(KeyPolicy.parseDuration(bad) == nil, "\(bad)")
        }
        #expect(KeyPolicy.parseBytes("1048576") == 1 << 20)
        #expect(KeyPolicy.parseBytes("4GiB") == 4 << 30)
        #expect(KeyPolicy.parseBytes("512M") == 512 << 20)
        #expect(KeyPolicy.parseBytes("1KiB") == 1024)
        for bad in ["", "GiB", "0", "-1", "lots", "4 GB"] {
            #expect(KeyPolicy.parseBytes(bad) == nil, "\(bad)")
        }
        let defaults = KeyPolicy()
        #expect(defaults.maxKeySetsPerClient == 16 && defaults.maxKeyBytesPerClient == 4 << 30)
        #expect(defaults.ttl == 30 * 86_400)
    }
}

@Suite("Quotas and expiry over HTTP (SQLite)", .serialized)
struct QuotaHTTPTests {
    /// The server's sweeper purges an expired key set nobody uses again (bytes included).
    @Test func theSweeperPurgesExpiredKeysNobodyUses() async throws {
        let f = try ServiceFixture.get()
        let data = try temporaryDirectory("sweep-http")
        defer { try? FileManager.default.removeItem(at: data) }
        let clock = TestClock()
        let registry = try SQLiteRegistry(dataDirectory: data, policy: KeyPolicy(ttl: 3600), now: clock.clock)
        let alice = bearer(ServiceFixture.alice.token)
        try await f.withServer(data: data, registry: registry, sweepSeconds: 1) { client, _ in
            try await client.execute(
                uri: "/v1/models/digits-square/keys", method: .post, headers: alice,
                body: ByteBuffer(bytes: f.evaluationKeyBytes)
            ) { #expect($0.status == .created) }
            try await Task.sleep(for: .seconds(2))
            #expect(try await registry.keyCount() == 1, "not expired yet: kept")
            clock.advance(3600)
            var left = 1
            for _ in 0..<40 where left > 0 {
                try await Task.sleep(for: .milliseconds(250))
                left = try await registry.keyCount()
            }
            #expect(left == 0, "the sweeper did not purge the expired key set")
            let blobs = FileManager.default.enumerator(atPath: data.appendingPathComponent("blobs").path)?
                .compactMap { $0 as? String }.filter { ($0 as NSString).lastPathComponent.count == 64 }
            #expect(blobs?.isEmpty == true)
        }
    }

    /// An expired registration answers 410 `key_expired` once (and is purged), then 404; a new
    /// upload registers the keys again; a second key set over a one-set quota answers 429.
    @Test func expiredKeysAreRefusedThenPurgedAndQuotaAnswers429() async throws {
        let f = try ServiceFixture.get()
        let data = try temporaryDirectory("quota-http")
        defer { try? FileManager.default.removeItem(at: data) }
        let clock = TestClock()
        let registry = try SQLiteRegistry(
            dataDirectory: data, policy: KeyPolicy(maxKeySetsPerClient: 1, ttl: 3600), now: clock.clock)
        let alice = bearer(ServiceFixture.alice.token)
        try await f.withServer(data: data, registry: registry) { client, _ in
            let keyID = SHA256.hash(data: f.evaluationKeyBytes).map { String(format: "%02x", $0) }.joined()
            let upload = "/v1/models/digits-square/keys"
            let infer = "/v1/models/digits-square/infer?key=\(keyID)"
            try await client.execute(
                uri: upload, method: .post, headers: alice, body: ByteBuffer(bytes: f.evaluationKeyBytes)
            ) { #expect($0.status == .created) }
            try await client.execute(
                uri: "/v1/models/digits-square-latency/keys", method: .post, headers: alice,
                body: ByteBuffer(bytes: f.latency.evaluationKeyBytes)
            ) { expectJSONError($0, status: .tooManyRequests, code: "key_quota_exceeded") }
            try await client.execute(
                uri: infer, method: .post, headers: alice, body: ByteBuffer(bytes: f.requestBytes)
            ) { #expect($0.status == .ok) }

            clock.advance(3600)
            try await client.execute(
                uri: infer, method: .post, headers: alice, body: ByteBuffer(bytes: f.requestBytes)
            ) { expectJSONError($0, status: .gone, code: "key_expired") }
            try await client.execute(
                uri: infer, method: .post, headers: alice, body: ByteBuffer(bytes: f.requestBytes)
            ) { expectJSONError($0, status: .notFound, code: "unknown_key") }
            #expect(try await registry.keyCount() == 0)
            // Registered anew: it works again, and the quota has room for it.
            try await client.execute(
                uri: upload, method: .post, headers: alice, body: ByteBuffer(bytes: f.evaluationKeyBytes)
            ) { #expect($0.status == .created) }
            let output = try await client.execute(
                uri: infer, method: .post, headers: alice, body: ByteBuffer(bytes: f.requestBytes)
            ) { response in
                #expect(response.status == .ok)
                return bytes(response.body)
            }
            #expect(try f.labels(ofResponse: output) == f.localLabels)

            // Expired again: uploading the same keys right away registers them (201), no 410 first.
            clock.advance(3600)
            try await client.execute(
                uri: upload, method: .post, headers: alice, body: ByteBuffer(bytes: f.evaluationKeyBytes)
            ) { #expect($0.status == .created) }
            try await client.execute(
                uri: infer, method: .post, headers: alice, body: ByteBuffer(bytes: f.requestBytes)
            ) { #expect($0.status == .ok) }
        }
    }
}
