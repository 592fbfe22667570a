import ArgumentParser

@main
struct Hefctl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hefctl",
        abstract: "CKKS homomorphic encryption from the command line: parameters, keys, encryption, inspection, benchmarks.",
        discussion: """
            A typical session:
              hefctl keygen --params n4096 --out keys --rotations 1,2
              hefctl encrypt --public-key keys/public.key --in data.csv --out data.ct
              hefctl decrypt --secret-key keys/secret.key --in data.ct --out result.csv
              hefctl inspect data.ct
            """,
        subcommands: [Params.self, Keygen.self, Encrypt.self, Decrypt.self, Inspect.self, Bench.self])
}
