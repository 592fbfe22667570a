import Logging
import ServiceLifecycle

/// Purges expired key registrations (and the key sets left without one) and expired refresh
/// round trips every `interval`, beside the HTTP server, until graceful shutdown. Expired rows
/// are also refused and purged when used, at start and before each new registration: the
/// sweeper bounds how long an unused expired key set stays on disk or in the database.
struct ExpirySweeper: Service {
    let registry: any KeyRegistry
    let interval: Duration
    let logger: Logger

    func run() async throws {
        let (registry, interval, logger) = (registry, interval, logger)
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do { try await Task.sleep(for: interval) } catch { return }
                do {
                    let removed = try await registry.purgeExpired()
                    if removed > 0 { logger.info("expired registrations purged: \(removed)") }
                } catch {
                    logger.warning("the expiry sweep failed (it runs again in \(interval)): \(error)")
                }
            }
        }
    }
}
