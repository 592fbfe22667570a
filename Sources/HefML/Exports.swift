@_exported import HefCircuits
