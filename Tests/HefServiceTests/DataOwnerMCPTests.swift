import Foundation
import HefService
import HefTestSupport
import HefWire
import MCP
import SystemPackage
import Testing

/// `hefctl mcp`, the data owner's MCP tool server, driven over its standard input and output by
/// the MCP SDK's own client, against a running service.
@Suite("hefctl mcp", .serialized)
struct DataOwnerMCPTests {
    struct Answer: Decodable {
        enum Value: Decodable, Equatable {
            case label(String)
            case number(Double)
            init(from decoder: any Decoder) throws {
                let c = try decoder.singleValueContainer()
                if let x = try? c.decode(Double.self) {
                    self = .number(x)
                } else {
                    self = .label(try c.decode(String.self))
                }
            }
        }
        var model: String
        var output: String
        var outputs: [[Value]]
        var invalidRows: [Int]
        var receiptVerified: Bool
        var serverID: String
    }

    struct Models: Decodable {
        struct Entry: Decodable {
            var name: String
            var id: String
            var inputWidth: Int
            var weights: String?
        }
        var models: [Entry]
    }

    static func text(_ content: [Tool.Content]) -> String? {
        for item in content { if case .text(let text, _, _) = item { return text } }
        return nil
    }

    @Test func agentPredictsThroughHefctlMCP() async throws {
        let f = try ServiceFixture.get()
        let dir = try temporaryDirectory("mcp-owner")
        defer { try? FileManager.default.removeItem(at: dir) }
        let rows = try Array(readCSV(repositoryModels().appendingPathComponent("digits-square/test_X.csv")).prefix(5))
        try await f.withServer(data: dir.appendingPathComponent("data")) { live, service in
            let process = Process()
            process.executableURL = try hefctlURL()
            process.arguments = [
                "mcp", "--server", "http://127.0.0.1:\(live.port)", "--keys", dir.appendingPathComponent("keys").path,
            ]
            var environment = ProcessInfo.processInfo.environment
            environment["HEF_TOKEN"] = ServiceFixture.alice.token
            process.environment = environment
            let toServer = Pipe()
            let fromServer = Pipe()
            process.standardInput = toServer
            process.standardOutput = fromServer
            process.standardError = FileHandle.nullDevice
            try process.run()
            defer { if process.isRunning { process.terminate() } }

            let transport = StdioTransport(
                input: FileDescriptor(rawValue: fromServer.fileHandleForReading.fileDescriptor),
                output: FileDescriptor(rawValue: toServer.fileHandleForWriting.fileDescriptor))
            let client = MCP.Client(name: "agent", version: "1.0")
            _ = try await client.connect(transport: transport)
            #expect(try await client.listTools().tools.map(\.name).sorted() == ["list_models", "predict"])

            let listed = try await client.callTool(name: "list_models", arguments: [:])
            #expect(listed.isError != true)
            let models = try JSONDecoder().decode(Models.self, from: Data(try #require(Self.text(listed.content)).utf8))
            #expect(models.models.map(\.name).contains("digits-square"))
            #expect(models.models.allSatisfy { $0.weights == "withheld" })

            // The agent's rows: labels equal the local flow's on the same rows; the receipt verified.
            let arguments: [String: Value] = [
                "model": "digits-square", "output": "labels",
                "rows": .array(rows.map { .array($0.map { .double($0) }) }),
            ]
            let predicted = try await client.callTool(name: "predict", arguments: arguments)
            let text = try #require(Self.text(predicted.content))
            #expect(predicted.isError != true, "\(text)")
            let answer = try JSONDecoder().decode(Answer.self, from: Data(text.utf8))
            #expect(answer.receiptVerified && answer.serverID == service.signer.serverID)
            #expect(answer.invalidRows.isEmpty)
            #expect(answer.outputs == f.localLabels.map { [.label($0 ?? "invalid")] })
            // Keys were made once and uploaded once: the server holds one key set.
            #expect(try await service.registry.keyCount() == 1)
            let again = try await client.callTool(name: "predict", arguments: arguments)
            #expect(again.isError != true)
            #expect(try await service.registry.keyCount() == 1)

            // Bad arguments are tool errors with a reason, not a crash of the server.
            let bad = try await client.callTool(
                name: "predict", arguments: ["model": "digits-square", "rows": .array([.array(["x"])])])
            #expect(bad.isError == true && Self.text(bad.content)?.contains("not a number") == true)
            let narrow = try await client.callTool(
                name: "predict", arguments: ["model": "digits-square", "rows": .array([.array([1, 2])])])
            #expect(narrow.isError == true)
            await client.disconnect()
            try? toServer.fileHandleForWriting.close()
        }
    }
}
