import Testing
@testable import HefCKKS
