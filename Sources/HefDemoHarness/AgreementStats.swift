public import HefML

/// Agreement statistics between encrypted and plaintext results.
public struct AgreementStats: Sendable {
    /// Rows compared.
    public var samples: Int
    /// Share of rows whose encrypted label equals the plaintext model's.
    public var labelAgreement: Double
    /// Share of encrypted labels equal to the true labels (nil without them).
    public var encryptedAccuracy: Double?
    /// Share of plaintext labels equal to the true labels (nil without them).
    public var plainAccuracy: Double?
    /// Largest |encrypted − plaintext| over all scores.
    public var worstScoreError: Double

    /// Compares `encryptedScores` with `model`'s plaintext scores on `rows` (and with `trueLabels` when given).
    public init(model: MLPModel, rows: [[Double]], encryptedScores: [[Double]], trueLabels: [String]? = nil) {
        samples = rows.count
        var agree = 0
        var encCorrect = 0
        var plainCorrect = 0
        var worst = 0.0
        for (i, row) in rows.enumerated() {
            let plain = model.scores(row)
            let enc = encryptedScores[i]
            for j in plain.indices { worst = max(worst, abs(plain[j] - enc[j])) }
            let plainLabel = model.output.label(plain)
            let encLabel = model.output.label(enc)
            if plainLabel == encLabel { agree += 1 }
            if let trueLabels {
                if plainLabel == trueLabels[i] { plainCorrect += 1 }
                if encLabel == trueLabels[i] { encCorrect += 1 }
            }
        }
        labelAgreement = Double(agree) / Double(max(rows.count, 1))
        worstScoreError = worst
        if trueLabels != nil {
            encryptedAccuracy = Double(encCorrect) / Double(max(rows.count, 1))
            plainAccuracy = Double(plainCorrect) / Double(max(rows.count, 1))
        }
    }
}
