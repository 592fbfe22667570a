import Foundation

/// Results computed concurrently (batches, or a batch's neurons), set by index, with a
/// serialized progress callback.
final class BatchSlots<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Value?]
    private var done = 0
    private let progress: ((Int, Int) -> Void)?

    init(count: Int, progress: ((Int, Int) -> Void)?) {
        slots = Array(repeating: nil, count: count)
        self.progress = progress
    }

    func set(_ i: Int, _ value: Value) {
        lock.lock()
        defer { lock.unlock() }
        slots[i] = value
        done += 1
        progress?(done, slots.count)
    }

    /// Every value (each slot was set).
    var values: [Value] {
        lock.lock()
        defer { lock.unlock() }
        return slots.map { $0! }
    }
}
