import Foundation

/// How many threads Hef's batch-parallel loops use: `HEF_THREADS` from the environment (a
/// positive integer), else every core the process may use. Single-thread figures: `HEF_THREADS=1`.
public enum Parallelism {
    /// The thread count (read once).
    public static let threads: Int = {
        if let text = ProcessInfo.processInfo.environment["HEF_THREADS"], let n = Int(text), n >= 1 {
            return min(n, 256)
        }
        return max(1, ProcessInfo.processInfo.activeProcessorCount)
    }()

    /// Runs `body(i)` for every i in 0..<count on up to `threads` threads (in order on one),
    /// and rethrows the first error in index order. `body` must be safe to run concurrently.
    public static func forEach(_ count: Int, threads: Int, _ body: @Sendable (Int) throws -> Void) throws {
        guard count > 0 else { return }
        let workers = max(1, min(threads, count))
        if workers == 1 {
            for i in 0..<count { try body(i) }
            return
        }
        let errors = ErrorSlots(count: count)
        let next = NextIndex()
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while let i = next.take(below: count) {
                do { try body(i) } catch { errors.set(i, error) }
            }
        }
        if let error = errors.first { throw error }
    }

    /// `body(i)` for every i in 0..<count on up to `threads` threads, the results in index
    /// order; rethrows the first error in index order.
    public static func map<T>(_ count: Int, threads: Int, _ body: @Sendable (Int) throws -> T) throws -> [T] {
        if threads <= 1 || count <= 1 { return try (0..<count).map(body) }
        let slots = ValueSlots<T>(count: count)
        try forEach(count, threads: threads) { i in slots.set(i, try body(i)) }
        return slots.values
    }

    private final class ValueSlots<T>: @unchecked Sendable {
        private let lock = NSLock()
        private var slots: [T?]
        init(count: Int) { slots = Array(repeating: nil, count: count) }
        func set(_ i: Int, _ value: T) {
            lock.lock()
            slots[i] = value
            lock.unlock()
        }
        /// Every slot, once each has been set.
        var values: [T] {
            lock.lock()
            defer { lock.unlock() }
            return slots.map { $0! }
        }
    }

    private final class NextIndex: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func take(below count: Int) -> Int? {
            lock.lock()
            defer { lock.unlock() }
            guard value < count else { return nil }
            defer { value += 1 }
            return value
        }
    }

    private final class ErrorSlots: @unchecked Sendable {
        private let lock = NSLock()
        private var slots: [(any Error)?]
        init(count: Int) { slots = Array(repeating: nil, count: count) }
        func set(_ i: Int, _ error: any Error) {
            lock.lock()
            slots[i] = error
            lock.unlock()
        }
        var first: (any Error)? {
            lock.lock()
            defer { lock.unlock() }
            return slots.lazy.compactMap { $0 }.first
        }
    }
}
