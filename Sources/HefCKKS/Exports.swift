@_exported import HefRing
