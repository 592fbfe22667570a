/// Every refusal of ``HefClient``: the server's own JSON errors, and the checks the client makes
/// on what the server answers.
public enum HefClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The server refused the request: its HTTP status and the `{"error": {"code", "message"}}` body
    /// (`unknown_key`, `wrong_parameters`, `unauthorized`, `busy`, …).
    case server(status: Int, code: String, message: String)
    /// The server answered something that is not the service's answer (status, what was wrong).
    case unexpectedResponse(status: Int, String)
    /// The server's signing key differs from the one pinned for it: the server, the pinned server
    /// id, the presented one. Nothing was sent to it beyond the key request.
    case signingKeyChanged(server: String, pinned: String, presented: String)
    /// The server's signing key document is malformed (its server id is not its key's hash, …).
    case badSigningKey(String)
    /// A model's manifest does not verify against the pinned key, or the compiled model's bytes
    /// are not those the manifest names (the model, what failed).
    case manifestRefused(model: String, String)
    /// An inference answer whose receipt is missing or does not verify: signature, model, key
    /// set, request or response hash. The response is discarded.
    case receiptRefused(String)
    /// The server could not be reached, or the exchange broke off (what).
    case transport(String)
    /// Local key material is missing, unreadable or inconsistent (what).
    case keys(String)
    /// Rows that do not fit the model (what).
    case invalidInput(String)

    /// A sentence for people.
    public var description: String {
        switch self {
        case .server(let status, let code, let message): "the server refused (\(status) \(code)): \(message)"
        case .unexpectedResponse(let status, let what): "unexpected answer from the server (\(status)): \(what)"
        case .signingKeyChanged(let server, let pinned, let presented):
            "the signing key of \(server) changed: pinned server id \(pinned.prefix(16))…, presented \(presented.prefix(16))…; if the provider really rotated its key, remove its line from the pins file"
        case .badSigningKey(let why): "the server's signing key is refused: \(why)"
        case .manifestRefused(let model, let why): "the manifest of model \(model) is refused: \(why)"
        case .receiptRefused(let why): "the inference answer is refused: \(why)"
        case .transport(let why): "cannot reach the server: \(why)"
        case .keys(let why): "keys: \(why)"
        case .invalidInput(let why): why
        }
    }

    /// The server's error code, when the server refused.
    public var serverCode: String? {
        if case .server(_, let code, _) = self { return code }
        return nil
    }
}
