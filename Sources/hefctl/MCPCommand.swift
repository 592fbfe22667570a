import ArgumentParser
import Foundation
import HefClient
import HefML
import HefWire
import MCP

struct MCPServe: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp",
        abstract:
            "An MCP tool server on standard input/output for an AI agent: private predictions from a Hef service.",
        discussion: """
            The agent runs this locally. Its tools are list_models (the provider's models) and predict \
            ({"model": ID|NAME, "rows": [[number, …], …], "output": "labels"|"probabilities"|"scores"}): \
            the rows are encrypted here, the provider evaluates ciphertexts only, the receipt is verified \
            against the pinned signing key and the answer decrypted here. Keys, pins and the token work as \
            for hefctl remote. Standard output carries MCP messages only; progress and errors go to standard error.
            A client configuration (Claude Desktop, VS Code and other MCP clients take this shape):
              {"mcpServers": {"hef": {"command": "hefctl",
                "args": ["mcp", "--server", "https://provider.example:8443"],
                "env": {"HEF_TOKEN": "…"}}}}
            """)

    @OptionGroup var remote: RemoteOptions

    @OptionGroup var passphrase: PassphraseOptions

    func run() throws {
        try reportingErrors {
            let client = remote.client(passphrase: passphrase)
            try runBlocking {
                let server = await DataOwnerMCP.makeServer(client: client)
                try await server.start(transport: StdioTransport())
                await server.waitUntilCompleted()
            }
        }
    }
}

/// The data owner's MCP tools, over a ``HefClient``.
enum DataOwnerMCP {
    static let tools: [Tool] = [
        Tool(
            name: "list_models",
            description: "The models the provider serves: name, id, task, number of input features and outputs. "
                + "Each manifest is verified against the provider's pinned signing key.",
            inputSchema: .object(["type": "object", "properties": .object([:])]),
            annotations: .init(readOnlyHint: true, openWorldHint: true)),
        Tool(
            name: "predict",
            description: "Runs a model on rows of numbers without the provider seeing them: the rows are encrypted "
                + "locally, the provider computes on ciphertexts, the signed receipt is verified and the result "
                + "decrypted locally. Rows the model's guarantees do not cover are reported invalid, never guessed.",
            inputSchema: .object([
                "type": "object",
                "properties": .object([
                    "model": .object(["type": "string", "description": "model name or id (from list_models)"]),
                    "rows": .object([
                        "type": "array", "description": "one array of input features per sample",
                        "items": .object(["type": "array", "items": .object(["type": "number"])]),
                    ]),
                    "output": .object([
                        "type": "string", "enum": .array(["labels", "probabilities", "scores"]),
                        "description": "what to answer per row (default labels)",
                    ]),
                ]),
                "required": .array(["model", "rows"]),
            ]),
            annotations: .init(readOnlyHint: true, openWorldHint: true)),
    ]

    /// The MCP server with both tools registered.
    static func makeServer(client: HefClient) async -> Server {
        let server = Server(name: "hef", version: "0.1.0", capabilities: .init(tools: .init(listChanged: false)))
        await server.withMethodHandler(ListTools.self) { _ in .init(tools: tools) }
        await server.withMethodHandler(CallTool.self) { parameters in
            await call(parameters, client: client)
        }
        return server
    }

    struct ModelSummary: Codable {
        var name: String
        var id: String
        var modelName: String
        var task: String
        var inputWidth: Int
        var outputWidth: Int
        var packing: String
        /// `withheld` (the data owner checks rows against the model's guaranteed input box only)
        /// or `published`; absent from servers that predate client parts.
        var weights: String?
    }

    struct Models: Codable { var models: [ModelSummary] }

    struct Answer: Codable {
        var model: String
        var output: String
        /// Per row: its label (one string), or its probabilities or scores; [] for an invalid row.
        var outputs: [[OutputValue]]
        var invalidRows: [Int]
        var receiptVerified: Bool
        var receiptID: String
        var serverID: String
    }

    enum OutputValue: Codable {
        case label(String)
        case number(Double)

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .label(let s): try container.encode(s)
            case .number(let x): try container.encode(x)
            }
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let x = try? container.decode(Double.self) {
                self = .number(x)
            } else {
                self = .label(try container.decode(String.self))
            }
        }
    }

    static func call(_ parameters: CallTool.Parameters, client: HefClient) async -> CallTool.Result {
        do {
            let arguments = parameters.arguments ?? [:]
            switch parameters.name {
            case "list_models":
                let models = try await client.models().map {
                    ModelSummary(
                        name: $0.model.name, id: $0.model.id, modelName: $0.model.modelName, task: $0.model.task,
                        inputWidth: $0.model.inputWidth, outputWidth: $0.model.outputWidth, packing: $0.model.packing,
                        weights: $0.model.weights)
                }
                return try result(Models(models: models))
            case "predict":
                guard let model = arguments["model"]?.stringValue, !model.isEmpty else {
                    return refusal("predict needs \"model\" (a name or id from list_models)")
                }
                guard let rowValues = arguments["rows"]?.arrayValue, !rowValues.isEmpty else {
                    return refusal("predict needs \"rows\": an array of rows, each an array of numbers")
                }
                var rows: [[Double]] = []
                for (i, row) in rowValues.enumerated() {
                    guard let values = row.arrayValue else { return refusal("row \(i + 1) is not an array") }
                    var numbers: [Double] = []
                    for value in values {
                        if let x = value.doubleValue {
                            numbers.append(x)
                        } else if let n = value.intValue {
                            numbers.append(Double(n))
                        } else {
                            return refusal("row \(i + 1) holds a value that is not a number")
                        }
                    }
                    guard numbers.allSatisfy(\.isFinite) else { return refusal("row \(i + 1) is not finite") }
                    rows.append(numbers)
                }
                let outputName = arguments["output"]?.stringValue ?? "labels"
                guard let output = PredictionOutput(rawValue: outputName) else {
                    return refusal("\"output\" is labels, probabilities or scores")
                }
                let prediction = try await client.predict(model: model, rows: rows, output: output)
                let invalid = Set(prediction.invalidRows)
                let outputs: [[OutputValue]] = prediction.results.rows.indices.map { i in
                    if invalid.contains(i) { return [] }
                    switch output {
                    case .labels: return prediction.labels[i].map { [.label($0)] } ?? []
                    case .probabilities: return (prediction.probabilities[i] ?? []).map { .number($0) }
                    case .scores: return prediction.results.rows[i].scores.map { .number($0) }
                    }
                }
                return try result(
                    Answer(
                        model: prediction.modelID, output: output.rawValue, outputs: outputs,
                        invalidRows: prediction.invalidRows, receiptVerified: prediction.receiptVerified,
                        receiptID: prediction.receipt.receiptID, serverID: prediction.receipt.serverID))
            default:
                return refusal("no tool named \(parameters.name)")
            }
        } catch {
            return refusal("\(error)")
        }
    }

    static func refusal(_ message: String) -> CallTool.Result {
        .init(content: [.text(text: message, annotations: nil, _meta: nil)], isError: true)
    }

    static func result<T: Codable>(_ value: T) throws -> CallTool.Result {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let text = String(decoding: try encoder.encode(value), as: UTF8.self)
        return try CallTool.Result(content: [.text(text: text, annotations: nil, _meta: nil)], structuredContent: value)
    }
}
