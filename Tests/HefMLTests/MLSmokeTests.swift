import Testing
@testable import HefML
