import Benchmark
import HefCKKS
import HefRing

/// NTT, encode, encrypt, decrypt+decode, relinearization key generation.
func registerPrimitives(size: RingSize, backend kind: BackendKind) {
    // One forward NTT of one residue mod q_0 (the first, 60-bit prime), in place.
    register("ntt_forward", size: size, backend: kind) { benchmark, f in
        let tables = f.context.basisQ.tables[0]
        let backend = f.context.backend
        var data = f.plaintext.poly.data
        // Only the first residue is transformed.
        data.withUnsafeMutableBufferPointer { buffer in
            let p = buffer.baseAddress!
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations { backend.forwardNTT(p, tables: tables) }
            benchmark.stopMeasurement()
        }
        blackHole(data[0])
    }

    // N/2 real slots at the top level (special FFT, scaling, RNS reduction, NTT per prime).
    register("encode", size: size, backend: kind) { benchmark, f in
        for _ in benchmark.scaledIterations { blackHole(try f.context.encode(f.values)) }
    }

    // Public-key encryption of an encoded plaintext (fresh OS-seeded randomness per call).
    register("encrypt", size: size, backend: kind) { benchmark, f in
        for _ in benchmark.scaledIterations {
            blackHole(try f.encryptor.encrypt(f.plaintext, publicKey: f.publicKey))
        }
    }

    // Decrypt + decode to N/2 real values.
    register("decrypt", size: size, backend: kind, needs: .ciphertexts) { benchmark, f in
        let ct = f.a!
        for _ in benchmark.scaledIterations { blackHole(try f.decryptor.decryptValues(ct)) }
    }

    // One relinearization key (all digits), deterministic stream.
    register("relin_keygen", size: size, backend: kind) { benchmark, f in
        var stream = RandomStream(seed: [UInt8](repeating: 9, count: 32))
        for _ in benchmark.scaledIterations {
            blackHole(try f.keyGenerator.relinearizationKey(for: f.secretKey, stream: &stream))
        }
    }
}
