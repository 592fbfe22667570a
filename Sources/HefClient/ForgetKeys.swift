import Foundation

extension HefClient {
    /// What ``forget(model:)`` did.
    public struct Forgotten: Sendable {
        /// The model's id.
        public var modelID: String
        /// The key id whose registration the server removed (nil: none was registered).
        public var deletedKeyID: String?
        /// Whether a local key set was erased.
        public var erasedLocalKeys: Bool
    }

    /// Rotates the data owner's keys for a model on this server: removes this client's
    /// registration of its key set on the server (`DELETE /v1/keys/{keyID}`), then erases the
    /// local key set (the secret key overwritten with zeros before it is removed). The next
    /// prediction makes and uploads a fresh set.
    /// - Parameter name: The model's id or name on the server.
    /// - Returns: What was removed.
    /// - Throws: Pinning, manifest, transport and server errors; ``HefClientError/keys(_:)``
    ///   when a local file cannot be erased. A key set the server no longer knows
    ///   (`unknown_key`, `key_expired`) is not an error.
    public func forget(model name: String) async throws -> Forgotten {
        let model = try await model(name)
        let directory = try modelDirectory(model.entry.model.id)
        let fm = FileManager.default
        // The id the server knows: the recorded one, else the local set's (an upload whose
        // answer never came back), computed without generating anything.
        var keyIDs: [String] = []
        let registration = directory.appendingPathComponent("registration.json")
        if let data = fm.contents(atPath: registration.path),
            let record = try? JSONDecoder().decode(Registration.self, from: data)
        {
            keyIDs.append(record.keyID)
        }
        let secret = directory.appendingPathComponent("secret.key")
        let hasKeys = fm.fileExists(atPath: secret.path)
        var needed = ["public.key", "eval.key"]
        if model.compiled.plan.refresh?.bootstrap != nil { needed.append("encaps.key") }
        let complete = hasKeys && needed.allSatisfy { fm.fileExists(atPath: directory.appendingPathComponent($0).path) }
        // (`ownerKeys` makes a set when one is incomplete: only asked for a complete one.)
        if complete, let (keys, _) = try? ownerKeys(for: model), !keyIDs.contains(keys.keyID) {
            keyIDs.append(keys.keyID)
        }
        var deleted: String?
        for keyID in keyIDs {
            do {
                try await deleteKeys(keyID)
                deleted = keyID
            } catch HefClientError.server(_, let code, _) where ["unknown_key", "key_expired"].contains(code) {
                continue
            }
        }
        do {
            try SecureFile.erase(path: secret.path)
            try fm.removeItem(at: directory)
        } catch {
            throw HefClientError.keys("cannot erase the key set in \(directory.path): \(error)")
        }
        fetchedModels[name] = nil
        fetchedModels[model.entry.model.id] = nil
        return Forgotten(modelID: model.entry.model.id, deletedKeyID: deleted, erasedLocalKeys: hasKeys)
    }

    /// Drops this server's pinned signing key from the pins file (after the provider announced
    /// a new key): the next call trusts the key it is shown, as on first use. Answers whether a
    /// pin was there.
    /// - Throws: ``HefClientError/keys(_:)`` when the pins file cannot be read or written.
    @discardableResult
    public func forgetPin() throws -> Bool {
        var pins = try PinStore.load(keysDirectory)
        guard pins.servers.removeValue(forKey: origin) != nil else { return false }
        try pins.save(keysDirectory)
        trusted = nil
        return true
    }
}
