import Benchmark
import HefCKKS

/// Homomorphic operations on fresh top-level ciphertexts.
func registerEvaluation(size: RingSize, backend kind: BackendKind) {
    register("add", size: size, backend: kind, needs: .ciphertexts) { benchmark, f in
        let a = f.a!
        let b = f.b!
        for _ in benchmark.scaledIterations { blackHole(try f.evaluator.add(a, b)) }
    }

    register("mul_plain", size: size, backend: kind, needs: .ciphertexts) { benchmark, f in
        let a = f.a!
        for _ in benchmark.scaledIterations { blackHole(try f.evaluator.multiply(a, f.plaintext)) }
    }

    register("mul_relin", size: size, backend: kind, needs: [.ciphertexts, .relinearization]) { benchmark, f in
        let a = f.a!
        let b = f.b!
        for _ in benchmark.scaledIterations { blackHole(try f.evaluator.multiplyRelinearize(a, b)) }
    }

    // Drops the last prime of a relinearized product (scale 2^80 -> 2^40), like SEAL's rescale_to_next.
    register("rescale", size: size, backend: kind, needs: .product) { benchmark, f in
        let p = f.product!
        for _ in benchmark.scaledIterations { blackHole(try f.evaluator.rescale(p)) }
    }

    register("rotate", size: size, backend: kind, needs: [.ciphertexts, .rotations]) { benchmark, f in
        let a = f.a!
        for _ in benchmark.scaledIterations { blackHole(try f.evaluator.rotate(a, by: 1)) }
    }

    // Hoisting: rotations by 1…8 of one ciphertext, decomposing once …
    register("rotate_hoisted8", size: size, backend: kind, needs: [.ciphertexts, .rotations]) { benchmark, f in
        let a = f.a!
        for _ in benchmark.scaledIterations { blackHole(try f.evaluator.rotations(a, by: hoistedSteps)) }
    }

    // … versus eight separate rotations.
    register("rotate_single8", size: size, backend: kind, needs: [.ciphertexts, .rotations]) { benchmark, f in
        let a = f.a!
        for _ in benchmark.scaledIterations {
            for step in hoistedSteps { blackHole(try f.evaluator.rotate(a, by: step)) }
        }
    }
}
