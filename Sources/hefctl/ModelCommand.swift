public import ArgumentParser
import Foundation
import HefCKKS
import HefML
import HefONNX

struct ModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract:
            "Compile a model (Hef JSON or ONNX) for encrypted inference, describe a compiled one, or cut its client part.",
        subcommands: [Compile.self, Show.self, ClientPart.self])

    struct Compile: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Compile MODEL.onnx or MODEL.json into MODEL.hef: folded scaler, approximated activations, parameters, rotations.",
            discussion: """
                Non-polynomial activations (relu, sigmoid, tanh, silu, gelu) are replaced by Chebyshev series over the range their inputs take on the calibration rows (plus a margin); without --calibrate a default range is assumed and `model show` says so.
                Examples:
                  hefctl model compile Models/digits-square/model.json --out digits.hef
                  hefctl model compile Models/digits-tanh/model_skl2onnx.onnx --calibrate Models/digits-tanh/test_X.csv --packing throughput --out digits-tanh.hef
                  hefctl model compile Models/digits-tanh/model_skl2onnx.onnx --calibrate Models/digits-tanh/test_X.csv --refresh client --out digits-tanh-r.hef
                  hefctl model compile Models/digits-tanh/model_skl2onnx.onnx --calibrate Models/digits-tanh/test_X.csv --refresh bootstrap --out digits-tanh-b.hef
                """)

        @Argument(help: "The model: a Hef JSON model or an ONNX file.")
        var model: String

        @Option(help: "CSV of raw input rows used to calibrate activation ranges.")
        var calibrate: String?

        @Option(help: "latency (one sample per ciphertext) or throughput (one slot per sample).")
        var packing: Packing = .latency

        @Option(
            name: .customLong("max-degree"),
            help:
                "Largest Chebyshev degree for approximated activations (above 63 only where 63 misses the tolerance and the extra level fits the same ring)."
        )
        var maxDegree: Int = 127

        @Option(
            help:
                "Refreshes: none (one segment, the default), client (cut where the depth needs it, on the smallest ring that holds the segments), auto (client refreshes only when the segments fit a smaller ring), bootstrap (cut where the depth needs it and bootstrap on the server, no round trip: boot16, latency packing, activations of degree ≤ 15). See docs/refresh.md and docs/bootstrapping.md."
        )
        var refresh: RefreshMode = .none

        @Flag(
            name: .customLong("fit-box"),
            help:
                "Fit approximated activations over everything the calibration rows' box can give them (interval arithmetic), not only what the rows give: the guaranteed input box then holds the whole calibration box, which a data owner with the client part (no weights) checks rows against. Wider ranges: less precise approximations or higher degrees."
        )
        var fitBox = false

        @Option(help: "Output compiled model file.")
        var out: String

        func run() throws {
            try reportingErrors {
                let source = try withFile(model) { try ModelFile.load(contentsOf: URL(fileURLWithPath: model)) }
                let rows = try calibrate.map { try ModelFlow.readRows($0, width: source.inputSize) }
                var options = ModelCompiler.Options(packing: packing)
                options.maxDegree = maxDegree
                options.refresh = refresh
                options.fitCalibrationBox = fitBox
                let compiled = try ModelCompiler(options: options).compile(source, calibration: rows)
                try HefFile.write(Array(try compiled.jsonData()), to: out)
                print(ModelFlow.describe(compiled))
                print("wrote \(out)")
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Describe a compiled model: layers, activations with their ranges and errors, packing, parameters, depth, rotations.",
            discussion: "Example:\n  hefctl model show digits.hef")

        @Argument(help: "The compiled model (MODEL.hef).")
        var model: String

        func run() throws {
            try reportingErrors {
                print(ModelFlow.describe(try ModelFlow.loadCompiled(model)))
            }
        }
    }
}

extension ModelCommand {
    struct ClientPart: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "client-part",
            abstract: "Write what a data owner needs of a compiled model, without its weights.",
            discussion: """
                The client part is a compiled model file with every weight and bias zeroed and the input
                scaler removed; it keeps the model's id, layout, parameters, refresh points, output tail and
                guarantees. keygen, encrypt, decrypt and refresh take it in place of the model; infer refuses
                it. Rows are checked against the guaranteed input box only (a row outside it is refused, or
                clamped or isolated with --out-of-range), so the model must have been compiled with --calibrate.
                It shows the layer widths, the activations and their intervals, each neuron's value range
                over the box, and the output intervals; not the weights. hefctl serve serves client parts
                unless started with --publish-weights.
                Example:
                  hefctl model client-part digits.hef --out digits.client.hef
                """)

        @Argument(help: "The compiled model (MODEL.hef).")
        var model: String

        @Option(help: "Where to write the client part.")
        var out: String

        func run() throws {
            try reportingErrors {
                let part = try ModelFlow.loadCompiled(model).clientPart()
                try HefFile.write(Array(try part.jsonData()), to: out)
                print(ModelFlow.describe(part))
                print("wrote \(out)")
            }
        }
    }
}

extension Packing: ExpressibleByArgument {}
extension RefreshMode: ExpressibleByArgument {}
