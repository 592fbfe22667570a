import ArgumentParser

@main
struct Hefctl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hefctl",
        abstract:
            "CKKS homomorphic encryption from the command line: parameters, keys, encryption, inspection, benchmarks.",
        discussion: """
            A typical session:
              hefctl keygen --params n4096 --out keys --rotations 1,2
              hefctl encrypt --public-key keys/public.key --in data.csv --out data.ct
              hefctl decrypt --secret-key keys/secret.key --in data.ct --out result.csv
              hefctl inspect data.ct
            Encrypted inference with a model:
              hefctl model compile Models/digits-square/model.json --out digits.hef
              hefctl keygen --model digits.hef --out keys
              hefctl encrypt --model digits.hef --public-key keys/public.key --in X.csv --out X.ct
              hefctl infer --model digits.hef --eval-key keys/eval.key --in X.ct --out Y.ct
              hefctl decrypt --model digits.hef --secret-key keys/secret.key --in Y.ct --out Y.csv --output labels
              hefctl demo
            A deep model in segments with client-aided refreshes (docs/refresh.md):
              hefctl model compile m.onnx --calibrate X.csv --refresh client --out m.hef
              hefctl infer --model m.hef --eval-key keys/eval.key --in X.ct --out R.ct       (stage: refresh-request)
              hefctl refresh --model m.hef --secret-key keys/secret.key --in R.ct --out R2.ct
              hefctl infer --model m.hef --eval-key keys/eval.key --in R2.ct --out Y.ct      (until stage: outputs)
            As a data owner of a Hef service (keys made and kept locally, receipts verified):
              hefctl remote models --server http://127.0.0.1:8080
              hefctl remote infer --server http://127.0.0.1:8080 --model digits-square --in X.csv --out Y.csv --output labels
              hefctl mcp --server http://127.0.0.1:8080        (an MCP tool server for an AI agent, on stdio)
            """,
        subcommands: [
            Params.self, Keygen.self, Encrypt.self, Decrypt.self, Inspect.self, Bench.self, ModelCommand.self,
            Infer.self, Refresh.self, Demo.self, Serve.self, Remote.self, MCPServe.self,
        ])
}
