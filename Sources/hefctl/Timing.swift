/// Median wall-clock timing of repeated runs.
enum Timing {
    /// Runs `body` once to warm up, then `iterations` times; returns the median in milliseconds.
    static func medianMilliseconds(iterations: Int, _ body: () throws -> Void) rethrows -> Double {
        let clock = ContinuousClock()
        try body()
        var samples: [Double] = []
        samples.reserveCapacity(iterations)
        for _ in 0..<max(1, iterations) {
            let start = clock.now
            try body()
            let elapsed = clock.now - start
            let (seconds, attoseconds) = elapsed.components
            samples.append(Double(seconds) * 1e3 + Double(attoseconds) / 1e15)
        }
        return median(samples)
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        let m = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2
    }
}

/// Keeps results alive so the optimizer cannot drop the work being timed.
@inline(never)
func blackHole<T>(_ value: T) {
    withExtendedLifetime(value) {}
}
