import ArgumentParser
import Dispatch
import Foundation
import HefService

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve compiled models over HTTP: evaluation key registry, encrypted inference, signed receipts.",
        discussion: """
            Serves every compiled model (*.hef) in the models folder, named by its id or its file's stem.
            The registry (SQLite), key blobs and the ML-DSA-65 signing key (generated on first start,
            mode 0600) live under --data; with --database, the registry and the key blobs live in
            PostgreSQL, shared by replicas. The server never reads a secret key. Routes: docs/service.md.
            Tokens file: one client per line, NAME TOKEN or NAME sha256:HEX (without --tokens, no
            authentication: every request acts as one anonymous client; keep it on loopback).
            Data owners fetch each model's client part: the compiled file with its weights, biases and
            input scaler zeroed, so they can encode, encrypt, decode and check rows against the model's
            guaranteed input box (a model needs one: compile it with --calibrate). With --publish-weights
            they fetch the whole file instead, and check every row through the plan in Double.
            Example:
              hefctl model compile Models/digits-square/model.json --calibrate Models/digits-square/calibration_X.csv --out models/digits-square.hef
              hefctl serve --models models --data hef-data --listen 127.0.0.1:8080
              hefctl serve --models models --listen 0.0.0.0:8443 --tls-cert cert.pem --tls-key key.pem --tokens tokens.txt
            Models compiled with --refresh client answer a refresh request at each cut (the client refreshes
            it and posts it back to the same route); models compiled with --refresh bootstrap take the
            encapsulation keys in the keys upload (a key bundle, up to 3 GiB).
            Metrics (Prometheus text): GET /metrics. MCP (streamable HTTP, JSON answers): POST /mcp.
            """)

    @Option(help: "Folder of compiled models (*.hef).")
    var models: String

    @Option(help: "Address to listen on, HOST:PORT.")
    var listen = "127.0.0.1:8080"

    @Flag(
        name: .customLong("publish-weights"),
        help: "Give data owners the whole compiled models, weights included, instead of their client parts.")
    var publishWeights = false

    @Option(help: "Folder for the registry, key blobs and the generated signing key.")
    var data = "hef-data"

    @Option(
        name: .customLong("signing-key"),
        help: "An ML-DSA-65 seed file (32 bytes, mode 0600) instead of DATA/signing-key.mldsa65.")
    var signingKey: String?

    @Option(help: "Clients and bearer tokens: NAME TOKEN or NAME sha256:HEX per line.")
    var tokens: String?

    @Option(help: "Concurrent evaluations (default: the number of cores).")
    var workers: Int?

    @Option(name: .customLong("queue"), help: "Requests allowed to wait for a worker before the server answers 503.")
    var queueCapacity = 16

    @Option(name: .customLong("tls-cert"), help: "PEM certificate chain: serve HTTPS (with --tls-key).")
    var tlsCert: String?

    @Option(name: .customLong("tls-key"), help: "PEM private key of --tls-cert.")
    var tlsKey: String?

    @Option(
        name: .customLong("idle-timeout"),
        help: "Seconds a connection may send nothing (a stalled upload, an idle keep-alive) before it is closed.")
    var idleTimeout: Int64 = 30
    @Option(
        help: """
            A PostgreSQL registry shared by replicas, postgres://USER:PASSWORD@HOST:PORT/DATABASE \
            (key blobs in the database; default: SQLite and a blob folder under --data).
            """)
    var database: String?

    @Option(
        name: .customLong("database-password-file"),
        help: """
            File holding the --database password (first line), for a URL without one; or set             HEF_DATABASE_PASSWORD. A password in the URL is visible in the process list.
            """)
    var databasePasswordFile: String?

    @Option(
        name: .customLong("expiry-sweep"),
        help: "How often expired key registrations and refresh round trips are purged: seconds, or with s, m, h, d.")
    var expirySweep = "10m"

    @Option(name: .customLong("max-keys-per-client"), help: "Key sets a client may hold at once (then 429).")
    var maxKeysPerClient = 16

    @Option(
        name: .customLong("max-key-bytes-per-client"),
        help: "Total size of a client's key sets (then 413): bytes, or with KiB, MiB, GiB, TiB.")
    var maxKeyBytesPerClient = "4GiB"

    @Option(
        name: .customLong("key-ttl"),
        help: "How long a key registration lasts (then 410 and purged): seconds, or with s, m, h, d.")
    var keyTTL = "30d"

    func run() throws {
        try reportingErrors {
            guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]),
                (0...65535).contains(port)
            else {
                throw UserError("--listen takes HOST:PORT, e.g. 127.0.0.1:8080")
            }
            var configuration = ServiceConfiguration(
                modelsDirectory: URL(fileURLWithPath: models), dataDirectory: URL(fileURLWithPath: data))
            configuration.host = String(listen[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
            configuration.port = port
            configuration.signingKeyPath = signingKey
            configuration.publishWeights = publishWeights
            if let tokens {
                let text = try String(contentsOfFile: tokens, encoding: .utf8)
                configuration.tokens = try TokenEntry.parse(text, name: tokens)
            }
            if let workers { configuration.workers = workers }
            configuration.queueCapacity = queueCapacity
            guard idleTimeout > 0 else { throw UserError("--idle-timeout takes a positive number of seconds") }
            configuration.idleTimeoutSeconds = idleTimeout
            switch (tlsCert, tlsKey) {
            case (let cert?, let key?): configuration.tls = TLSFiles(certificateChainPath: cert, privateKeyPath: key)
            case (nil, nil): break
            default: throw UserError("--tls-cert and --tls-key go together")
            }
            if let database {
                var location = try PostgresLocation(url: database)
                let environment = ProcessInfo.processInfo.environment["HEF_DATABASE_PASSWORD"]
                if location.password != nil {
                    guard databasePasswordFile == nil && environment == nil else {
                        throw UserError(
                            "the --database URL holds a password already; drop it, or drop --database-password-file and HEF_DATABASE_PASSWORD"
                        )
                    }
                    printError(
                        "hefctl: warning: the --database URL holds a password, which other users can read in the process list; use --database-password-file or HEF_DATABASE_PASSWORD"
                    )
                } else if let file = databasePasswordFile {
                    guard let text = try? String(contentsOfFile: file, encoding: .utf8),
                        let line = text.split(whereSeparator: \.isNewline).first, !line.isEmpty
                    else { throw UserError("\(file): no password on its first line") }
                    location.password = String(line)
                } else if let environment, !environment.isEmpty {
                    location.password = environment
                }
                configuration.database = location
            } else if databasePasswordFile != nil {
                throw UserError("--database-password-file goes with --database")
            }
            guard let sweep = KeyPolicy.parseDuration(expirySweep), sweep > 0 else {
                throw UserError("--expiry-sweep takes seconds or a duration, e.g. 600 or 10m")
            }
            configuration.sweepIntervalSeconds = sweep
            guard maxKeysPerClient > 0 else { throw UserError("--max-keys-per-client takes a positive number") }
            guard let maxBytes = KeyPolicy.parseBytes(maxKeyBytesPerClient) else {
                throw UserError("--max-key-bytes-per-client takes bytes, e.g. 4294967296 or 4GiB")
            }
            guard let ttl = KeyPolicy.parseDuration(keyTTL) else {
                throw UserError("--key-ttl takes seconds or a duration, e.g. 86400, 12h or 30d")
            }
            configuration.keyPolicy = KeyPolicy(
                maxKeySetsPerClient: maxKeysPerClient, maxKeyBytesPerClient: maxBytes, ttl: ttl)
            let settings = configuration
            try runBlocking { try await HefServer(configuration: settings).run() }
        }
    }
}
