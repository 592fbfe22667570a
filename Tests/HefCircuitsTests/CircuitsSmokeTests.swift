import HefCKKS
import Testing

@testable import HefCircuits
