import ArgumentParser
import HefCKKS
import HefCircuits

struct Params: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "params",
        abstract: "List the parameter presets or show one.",
        discussion: """
            Examples:
              hefctl params list
              hefctl params show n8192 --json > p.json
            """,
        subcommands: [List.self, Show.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the presets (all pass the 128-bit security check; boot15 and boot16 can bootstrap).",
            discussion: "Example: hefctl params list")

        func run() throws {
            try reportingErrors {
                for preset in ParametersPreset.allCases {
                    let mark = preset == .defaultPreset ? " (default)" : ""
                    print(
                        "\(preset.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0))  \(preset.summary)\(mark)"
                    )
                }
                for preset in BootstrapPreset.allCases {
                    print("\(preset.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0))  \(preset.summary)")
                }
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a preset (or a parameters file): primes, security, id.",
            discussion: """
                Examples:
                  hefctl params show n8192
                  hefctl params show n8192 --json    # {"logN":13,"logQ":[60,40,40],"logP":[60],"logScale":40}
                """)

        @Argument(help: ArgumentHelp("The preset name or a parameters file.", discussion: ParametersSource.help))
        var preset: ParametersSource

        @Flag(help: "Print only the parameters literal as JSON.")
        var json = false

        func run() throws {
            try reportingErrors {
                let p = try preset.load()
                if json {
                    print(literalJSON(p.literal))
                    return
                }
                print("parameters   \(literalDescription(p.literal))")
                print("id           \(hex16(p.id))")
                print("N            \(p.n) (\(p.maxSlots) slots)")
                print("levels       \(p.maxLevel) (multiplicative depth)")
                print("scale        2^\(formatNumber(p.literal.logScale))")
                print("q primes     \(p.q.map(String.init).joined(separator: ", "))")
                print("p primes     \(p.p.map(String.init).joined(separator: ", "))")
                print("log2(Q·P)    \(formatNumber(p.logQP)) bits")
                print("key switch   dnum=\(p.dnum), \(p.primesPerDigit) prime(s) per digit")
                print("secret       \(p.secret.rawValue)\(p.secret == .sparse ? " (h=\(p.hammingWeight))" : "")")
                print(
                    "security     \(p.security.map { "\($0.rawValue) bits (HomomorphicEncryption.org table)" } ?? "NOT SECURE")"
                )
            }
        }
    }
}
