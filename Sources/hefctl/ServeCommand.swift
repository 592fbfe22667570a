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
            mode 0600) live under --data. The server never reads a secret key. Routes: docs/service.md.
            Tokens file: one client per line, NAME TOKEN or NAME sha256:HEX (without --tokens, no
            authentication: every request acts as one anonymous client; keep it on loopback).
            Example:
              hefctl model compile Models/digits-square/model.json --out models/digits-square.hef
              hefctl serve --models models --data hef-data --listen 127.0.0.1:8080
            """)

    @Option(help: "Folder of compiled models (*.hef).")
    var models: String

    @Option(help: "Address to listen on, HOST:PORT.")
    var listen = "127.0.0.1:8080"

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
            if let tokens {
                let text = try String(contentsOfFile: tokens, encoding: .utf8)
                configuration.tokens = try TokenEntry.parse(text, name: tokens)
            }
            if let workers { configuration.workers = workers }
            configuration.queueCapacity = queueCapacity
            let settings = configuration
            try runBlocking { try await HefServer(configuration: settings).run() }
        }
    }
}
