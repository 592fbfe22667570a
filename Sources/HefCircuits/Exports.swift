@_exported import HefCKKS
