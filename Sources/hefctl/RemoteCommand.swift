import ArgumentParser
import Foundation
import HefClient
import HefML
import HefWire

struct Remote: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Use a Hef service (hefctl serve) as a data owner: list models, run encrypted inference.",
        discussion: """
            Keys are made on this machine, once per server and model, and kept in the keys folder (default $XDG_DATA_HOME/hef/keys or ~/.local/share/hef/keys); only the evaluation keys are uploaded, once (with the public key for a model with refreshes, the encapsulation keys for one that bootstraps). A model with client-aided refreshes comes back at each cut: the refresh runs here, with the secret key, and the answer goes back to the server until the outputs arrive. The server's signing key is pinned on first use (KEYS/pins.json): a server that presents another key later is refused. Every answer's receipt is verified before anything is decrypted.
            Examples:
              hefctl remote models --server http://127.0.0.1:8080
              HEF_TOKEN=… hefctl remote infer --server http://127.0.0.1:8080 --model digits-square --in X.csv --out Y.csv --output labels
              hefctl remote forget --server http://127.0.0.1:8080 --model digits-square   (new keys next time)
            """,
        subcommands: [RemoteModels.self, RemoteInfer.self, RemoteForget.self])
}

/// `--server`, `--token`, `--keys`, `--server-id`: shared by the remote commands.
struct RemoteOptions: ParsableArguments {
    @Option(help: "The service's base URL, e.g. http://127.0.0.1:8080.")
    var server: String

    @Option(
        help: "Bearer token (else HEF_TOKEN). On a shared machine prefer HEF_TOKEN: arguments are visible to others.")
    var token: String?

    @Option(
        name: .customLong("keys"), help: "Keys folder (default $XDG_DATA_HOME/hef/keys or ~/.local/share/hef/keys).")
    var keys: String?

    @Option(
        name: .customLong("server-id"),
        help: "Accept only this signing key (its server id, SHA-256 hex) instead of trusting the first one seen.")
    var serverID: String?

    @Option(
        name: .customLong("ca-file"),
        help: "PEM file of CA certificates to trust for an https server (a private CA or its self-signed certificate).")
    var caFile: String?

    func validate() throws {
        guard let url = URL(string: server), let scheme = url.scheme, ["http", "https"].contains(scheme.lowercased()),
            url.host != nil
        else {
            throw ValidationError("--server takes a URL such as http://127.0.0.1:8080")
        }
        if let caFile, !FileManager.default.isReadableFile(atPath: caFile) {
            throw ValidationError("--ca-file: cannot read \(caFile)")
        }
    }

    func client(passphrase: PassphraseOptions? = nil, protect: Bool = false) -> HefClient {
        var options = HefClient.Options()
        if let serverID { options.pin = .serverID(serverID) }
        options.caFile = caFile
        let progress = Progress()
        if progress.enabled { options.progress = { progress.update($0) } }
        if let source = passphrase?.source { options.passphrase = { try source.passphrase() } }
        options.sealNewSecretKeys = protect
        let token = token ?? ProcessInfo.processInfo.environment["HEF_TOKEN"]
        return HefClient(
            server: URL(string: server)!, token: token, keysDirectory: keys.map { URL(fileURLWithPath: $0) },
            options: options)
    }
}

struct RemoteModels: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "List the models a service serves (each manifest verified against the pinned signing key).",
        discussion: """
            Example:
              hefctl remote models --server http://127.0.0.1:8080
            """)

    @OptionGroup var remote: RemoteOptions

    func run() throws {
        try reportingErrors {
            let client = remote.client()
            final class Box: @unchecked Sendable {
                var models: [ModelEntry] = []
                var serverID = ""
            }
            let box = Box()
            try runBlocking {
                box.models = try await client.models()
                box.serverID = try await client.signingKey().serverID
            }
            print("server id \(box.serverID)")
            for entry in box.models {
                let m = entry.model
                print(
                    "\(m.name)  id \(m.id)  \(m.modelName) (\(m.task)), \(m.inputWidth) features → \(m.outputWidth) scores, \(m.packing) packing, parameters \(m.parametersID), weights \(m.weights ?? "published"), manifest verified"
                )
            }
        }
    }
}

struct RemoteInfer: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "infer",
        abstract: "Encrypt rows locally, have the service run the model, verify the receipt, decrypt locally.",
        discussion: """
            The first run for a server and model makes a key set in the keys folder (secret key mode 0600, or sealed with --protect) and uploads the evaluation keys; later runs reuse them. The output is what hefctl decrypt --model --output writes: one line per row, "invalid" for rows outside the model's guarantees (exit 3).
            Examples:
              hefctl remote infer --server http://127.0.0.1:8080 --model digits-square --in X.csv --out Y.csv --output labels
              hefctl remote infer --server http://127.0.0.1:8080 --model digits-square --in X.csv --output probabilities --flood
              HEF_PASSPHRASE=… hefctl remote infer --server … --model digits-square --in X.csv --out Y.csv --protect
            """)

    @OptionGroup var remote: RemoteOptions

    @Option(help: "The model's id or name on the server.")
    var model: String

    @Option(name: .customLong("in"), help: "CSV of raw feature rows (the model's input width).")
    var input: String

    @Option(help: "Output CSV file (standard output when omitted).")
    var out: String?

    @Option(help: "scores, probabilities or labels.")
    var output: OutputKind = .scores

    @Option(
        name: .customLong("out-of-range"),
        help: "refuse, clamp or isolate rows outside the model's guaranteed range.")
    var outOfRange: OutOfRangeChoice = .refuse

    @OptionGroup var flooding: FloodOptions

    @Flag(help: "Seal a newly made secret key under a passphrase (--passphrase-file, HEF_PASSPHRASE or a prompt).")
    var protect = false

    @OptionGroup var passphrase: PassphraseOptions

    func run() throws {
        try reportingErrors {
            let rows = try ModelFlow.readRows(input, width: nil)
            let client = remote.client(passphrase: passphrase, protect: protect)
            let policy = try flooding.policy()
            let kind = PredictionOutput(rawValue: output.rawValue)!
            let (model, outOfRange) = (model, outOfRange.policy)
            final class Box: @unchecked Sendable { var prediction: Prediction? }
            let box = Box()
            do {
                try runBlocking {
                    box.prediction = try await client.predict(
                        model: model, rows: rows, output: kind, outOfRange: outOfRange, flooding: policy)
                }
            } catch let error as SealedKeyError {
                throw UserError("\(error)")
            }
            Progress().finish()
            let prediction = box.prediction!
            for report in prediction.reports { printError("hefctl: \(input): \(report)") }
            if prediction.keysUploaded {
                printError("hefctl: evaluation keys \(prediction.keyID.prefix(16))… uploaded")
            }
            printError(
                "hefctl: receipt \(prediction.receipt.receiptID) verified (model \(prediction.modelID), server \(prediction.receipt.serverID.prefix(16))…)"
            )
            try writeModelOutputs(prediction.outputs, results: prediction.results, to: out)
        }
    }
}

struct RemoteForget: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forget",
        abstract: "Rotate keys: remove a model's key set from the service and from the keys folder.",
        discussion: """
            Deletes this client's registration of the model's evaluation keys on the server (DELETE /v1/keys/{id}), then erases the local key set (the secret key overwritten with zeros before it is removed). The next remote infer makes and uploads a fresh set. With --pin, also drops the server's pinned signing key (after the provider announced a new one): the next command trusts the key it is shown, as on first use.
            Examples:
              hefctl remote forget --server http://127.0.0.1:8080 --model digits-square
              hefctl remote forget --server https://hef.example.com --pin
            """)

    @OptionGroup var remote: RemoteOptions

    @Option(help: "The model's id or name on the server (omit with --pin to drop the pin only).")
    var model: String?

    @Flag(help: "Also drop the pinned signing key of this server (done first, so a rotated provider key is accepted).")
    var pin = false

    func validate() throws {
        guard model != nil || pin else { throw ValidationError("give --model, --pin, or both") }
    }

    func run() throws {
        try reportingErrors {
            let client = remote.client()
            let model = self.model
            let pin = self.pin
            final class Box: @unchecked Sendable {
                var pinned = false
                var forgotten: HefClient.Forgotten?
            }
            let box = Box()
            try runBlocking {
                if pin { box.pinned = try await client.forgetPin() }
                if let model { box.forgotten = try await client.forget(model: model) }
            }
            if pin { print(box.pinned ? "pin dropped for \(remote.server)" : "no pin for \(remote.server)") }
            if let f = box.forgotten {
                print(
                    "model \(f.modelID): "
                        + (f.deletedKeyID.map { "registration \($0.prefix(16))… deleted on the server" }
                            ?? "no registration on the server")
                        + (f.erasedLocalKeys ? ", local key set erased" : ", no local key set"))
            }
        }
    }
}
