/// Rows checked against a plan's guarantees, ready to encrypt.
public struct PreparedRows: Sendable {
    /// What the policy did with one row.
    public struct Report: Sendable, CustomStringConvertible {
        /// The policy's action.
        public enum Action: String, Sendable {
            /// The row was clamped into the guaranteed box.
            case clamped
            /// The row is encrypted in a batch of its own and reported invalid after decryption.
            case isolated
        }
        /// 1-based row number.
        public var row: Int
        /// Why the row was not admissible.
        public var violation: RangeViolation
        /// What was done.
        public var action: Action

        /// "row …: … : clamped" (one line for stderr).
        public var description: String { "\(violation): \(action.rawValue)" }
    }

    /// The rows to encrypt (clamped where the policy clamped).
    public var rows: [[Double]]
    /// Per row: encrypted alone and reported invalid (``OutOfRangePolicy/isolate``).
    public var isolated: [Bool]
    /// One report per row the policy acted on.
    public var reports: [Report]
}
