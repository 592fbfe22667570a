import Foundation
import HefCKKS
import HefRing

// Shared by the test targets and the benchmarks: precision statistics, reproducible inputs,
// small parameters and a keyed context.

/// Precision statistics like Lattigo's: log2 of the absolute error against the plaintext
/// computation, reported as bits of precision (−log2 error).
public struct PrecisionStats: CustomStringConvertible {
    public let minBits: Double
    public let meanBits: Double

    public init(_ got: [Double], _ want: [Double]) {
        precondition(got.count >= want.count)
        var worst = 0.0
        var sumBits = 0.0
        for i in want.indices {
            let err = max(abs(got[i] - want[i]), 1e-300)
            worst = max(worst, err)
            sumBits += -log2(err)
        }
        minBits = -log2(max(worst, 1e-300))
        meanBits = sumBits / Double(max(want.count, 1))
    }

    public var description: String { String(format: "min %.1f bits, mean %.1f bits", minBits, meanBits) }
}

/// A deterministic stream for reproducible tests.
public func testStream(_ tag: UInt8) -> RandomStream {
    RandomStream(seed: [UInt8](repeating: tag, count: 32))
}

/// Deterministic SplitMix64, so that failures reproduce (one copy for every test target).
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in [0, bound) (bias irrelevant for tests).
    public mutating func next(below bound: UInt64) -> UInt64 { next() % bound }
    /// Uniform in [0, 1).
    public mutating func uniform() -> Double { Double(next() >> 11) / Double(1 << 53) }
}

/// Reproducible pseudo-random reals in [-1, 1] (splitmix64).
public func randomValues(_ count: Int, seed: UInt64) -> [Double] {
    var rng = SplitMix64(seed: seed)
    return (0..<count).map { _ in rng.uniform() * 2 - 1 }
}

/// Small, fast parameters (insecure: N = 2^10 by default) for tests.
public func smallParameters(
    logN: Int = 10, logQ: [Int] = [55, 40, 40], logP: [Int] = [55], logScale: Double = 40, dnum: Int? = nil
) throws -> CKKSParameters {
    try CKKSParameters(
        ParametersLiteral(logN: logN, logQ: logQ, logP: logP, logScale: logScale, dnum: dnum),
        insecure: InsecureParametersForTestingOnly())
}

/// A context with reproducible keys and the objects that use them.
public struct Fixture: Sendable {
    public let context: CKKSContext
    public let secretKey: SecretKey
    public let publicKey: PublicKey
    public let evaluationKeys: EvaluationKeys
    public let encryptor: Encryptor
    public let decryptor: Decryptor
    public let evaluator: Evaluator

    /// Keys from a stream seeded with `seedTag`; Galois keys for `rotations` (of `slots`-slot
    /// vectors, default N/2) and, optionally, conjugation.
    public init(
        _ parameters: CKKSParameters, backend: any RingBackend = NativeBackend(), rotations: [Int] = [1, 2, 3, -1, 5],
        slots: Int? = nil, conjugation: Bool = true, seedTag: UInt8 = 7
    ) throws {
        context = CKKSContext(parameters: parameters, backend: backend)
        var stream = testStream(seedTag)
        let generator = KeyGenerator(context: context)
        secretKey = generator.secretKey(stream: &stream)
        publicKey = try generator.publicKey(for: secretKey, stream: &stream)
        evaluationKeys = try generator.evaluationKeys(
            for: secretKey, rotations: rotations, slots: slots, conjugation: conjugation, stream: &stream)
        encryptor = Encryptor(context: context)
        decryptor = try Decryptor(context: context, secretKey: secretKey)
        evaluator = try Evaluator(context: context, keys: evaluationKeys)
    }

    /// Exactly the given rotation keys, no conjugation key (circuit tests check key sets).
    public static func circuit(
        _ parameters: CKKSParameters, rotations: [Int] = [], slots: Int? = nil, seedTag: UInt8 = 7
    ) throws -> Fixture {
        try Fixture(parameters, rotations: rotations, slots: slots, conjugation: false, seedTag: seedTag)
    }

    public func encrypt(_ values: [Double], slots: Int? = nil, level: Int? = nil) throws -> Ciphertext {
        try encryptor.encrypt(try context.encode(values, level: level, slots: slots), publicKey: publicKey)
    }

    public func decrypt(_ ct: Ciphertext) throws -> [Double] {
        try decryptor.decryptValues(ct)
    }
}

/// A self-signed certificate for `localhost` and 127.0.0.1 (P-256, one day), made by openssl
/// (installed with Debian) into `folder`: the PEM paths of the certificate and its key.
public func makeSelfSignedCertificate(in folder: URL) throws -> (certificate: String, privateKey: String) {
    let cert = folder.appendingPathComponent("cert.pem").path
    let key = folder.appendingPathComponent("key.pem").path
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [
        "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=localhost",
        "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
    ]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        throw CocoaError(
            .fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "openssl could not make a test certificate"])
    }
    return (cert, key)
}
