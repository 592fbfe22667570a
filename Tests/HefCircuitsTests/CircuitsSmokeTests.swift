import Testing
@testable import HefCircuits
