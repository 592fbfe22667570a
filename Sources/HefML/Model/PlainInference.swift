import Foundation

/// The model evaluated in Double: the reference every encrypted result is compared with.
extension MLPModel {
    /// Scores (outputs of the last layer) for one raw input row.
    public func scores(_ input: [Double]) -> [Double] {
        var x = input
        if let scaler {
            for i in x.indices { x[i] = (x[i] - scaler.mean[i]) / scaler.scale[i] }
        }
        for layer in layers {
            var y = layer.bias
            for o in 0..<layer.outputSize {
                var acc = y[o]
                let row = layer.weights[o]
                for i in 0..<layer.inputSize { acc += row[i] * x[i] }
                y[o] = layer.activation.apply(acc)
            }
            x = y
        }
        return x
    }
}

extension OutputTail {
    /// Probabilities from scores, as the original model computes them.
    public func probabilities(_ scores: [Double]) -> [Double] {
        switch probabilities {
        case .none:
            return scores
        case .sigmoid:
            return scores.map { 1 / (1 + exp(-$0)) }
        case .softmax:
            let m = scores.max() ?? 0
            let e = scores.map { exp($0 - m) }
            let total = e.reduce(0, +)
            return e.map { $0 / total }
        }
    }

    /// The predicted label from scores.
    public func label(_ scores: [Double]) -> String {
        switch probabilities {
        case .none:
            return scores.map { "\($0)" }.joined(separator: ",")
        case .sigmoid:
            let index = scores[0] > 0 ? 1 : 0
            return labels.map { $0[index] } ?? "\(index)"
        case .softmax:
            var best = 0
            for i in scores.indices where scores[i] > scores[best] { best = i }
            return labels.map { $0[best] } ?? "\(best)"
        }
    }
}
