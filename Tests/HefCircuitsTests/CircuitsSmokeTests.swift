import Testing
@testable import HefCircuits
import HefCKKS
