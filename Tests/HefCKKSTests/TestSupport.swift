@_exported import HefTestSupport
