import Foundation
import HefCKKS
@_exported import HefTestSupport
import Testing

@testable import HefCircuits

/// Small insecure parameters for tests.
func circuitParameters(logN: Int = 10, logQ: [Int], logP: [Int] = [55], logScale: Double = 40) throws -> CKKSParameters
{
    try CKKSParameters(
        ParametersLiteral(logN: logN, logQ: logQ, logP: logP, logScale: logScale, dnum: nil),
        insecure: InsecureParametersForTestingOnly())
}
