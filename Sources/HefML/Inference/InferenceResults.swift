/// Decrypted results with a verdict per row.
public struct InferenceResults: Sendable {
    /// A row's verdict.
    public enum Status: Sendable, Equatable {
        /// Inside every bound: the label equals the plaintext model's.
        case valid
        /// Within the plan's intervals, but the top scores are closer than the combined
        /// error bound: the label may differ from the plaintext model's.
        case undecided
        /// Not to be trusted, with the reason.
        case invalid(String)
    }

    /// One sample's result.
    public struct Row: Sendable {
        /// The decrypted scores.
        public var scores: [Double]
        /// The verdict.
        public var status: Status
    }

    /// One row per sample, in input order.
    public var rows: [Row]
    /// The scores of every row.
    public var scores: [[Double]] { rows.map(\.scores) }
    /// 0-based indices of the invalid rows.
    public var invalidRows: [Int] {
        rows.indices.filter { if case .invalid = rows[$0].status { return true } else { return false } }
    }
    /// 0-based indices of the undecided rows.
    public var undecidedRows: [Int] { rows.indices.filter { rows[$0].status == .undecided } }
}
