import Dispatch
import Foundation
import Synchronization

/// Threads inside one operation: the per-prime loops of key switching (ModUp, the gadget
/// inner product, ModDown) and of the NTTs split their primes over this many threads.
/// `HEF_OP_THREADS` from the environment (default 1: batch-level parallelism, ``Parallelism``,
/// is usually the better use of the cores); ``setOperationThreads(_:)`` changes it at run time
/// (bootstrapping, one large ciphertext at a time).
extension Parallelism {
    private static let operationThreadCount = Mutex<Int>(
        {
            if let text = ProcessInfo.processInfo.environment["HEF_OP_THREADS"], let n = Int(text), n >= 1 {
                return min(n, 64)
            }
            return 1
        }())

    /// The threads one operation's per-prime loops use.
    public static var operationThreads: Int { operationThreadCount.withLock { $0 } }

    /// Sets ``operationThreads`` (clamped to 1...64).
    /// - Parameters:
    ///   - threads: the thread count
    public static func setOperationThreads(_ threads: Int) {
        operationThreadCount.withLock { $0 = max(1, min(threads, 64)) }
    }

    /// Runs `body(i)` for i in 0..<count, split over ``operationThreads`` threads when there is
    /// more than one (static striding; no order). `body` must touch disjoint memory per index:
    /// it may capture unsafe pointers, which is why it is not `@Sendable`.
    @inline(__always)
    static func perPrime(_ count: Int, _ body: (Int) -> Void) {
        let threads = count > 1 ? min(operationThreads, count) : 1
        if threads <= 1 {
            for i in 0..<count { body(i) }
            return
        }
        withoutActuallyEscaping(body) { escapable in
            let box = UncheckedBody(body: escapable)
            DispatchQueue.concurrentPerform(iterations: threads) { worker in
                var i = worker
                while i < count {
                    box.body(i)
                    i += threads
                }
            }
        }
    }

    private struct UncheckedBody: @unchecked Sendable {
        let body: (Int) -> Void
    }
}
