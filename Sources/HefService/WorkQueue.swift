import Foundation

/// A bounded queue for CPU-heavy work (key validation, evaluation): at most `workers` jobs run
/// at once, on threads of their own (never on Swift's cooperative pool or NIO's event loops),
/// and at most `waiting` more wait; beyond that `submit` throws a 503 `busy` error at once.
public final class WorkQueue: @unchecked Sendable {
    public let workers: Int
    public let capacity: Int
    private let lock = NSLock()
    private var running = 0
    private var queued: [CheckedContinuation<Void, any Error>] = []
    private let dispatch: DispatchQueue

    public init(workers: Int, waiting: Int) {
        self.workers = max(1, workers)
        self.capacity = max(0, waiting)
        self.dispatch = DispatchQueue(label: "hef.service.work", attributes: .concurrent)
    }

    /// Jobs running plus jobs waiting.
    public var depth: Int {
        lock.lock()
        defer { lock.unlock() }
        return running + queued.count
    }

    public func submit<T: Sendable>(_ job: @escaping @Sendable () throws -> T) async throws -> T {
        try await acquire()
        defer { release() }
        return try await withCheckedThrowingContinuation { continuation in
            dispatch.async {
                continuation.resume(with: Result { try job() })
            }
        }
    }

    private func acquire() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            lock.lock()
            if running < workers {
                running += 1
                lock.unlock()
                continuation.resume()
            } else if queued.count < capacity {
                queued.append(continuation)
                lock.unlock()
            } else {
                lock.unlock()
                continuation.resume(throwing: ServiceError.busy(retryAfter: 2))
            }
        }
    }

    private func release() {
        lock.lock()
        if queued.isEmpty {
            running -= 1
            lock.unlock()
        } else {
            // The slot passes to the first waiter (running stays the same).
            let next = queued.removeFirst()
            lock.unlock()
            next.resume()
        }
    }
}
