import Foundation
import HefWire
import Hummingbird

/// Every refusal of the service: an HTTP status, a stable machine-readable code and a message
/// for people. Sent as `{"error": {"code": …, "message": …}}`; never a stack trace.
public struct ServiceError: Error, Sendable, CustomStringConvertible {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    /// Seconds, for 503 answers (`Retry-After`).
    public var retryAfter: Int?

    public init(status: HTTPResponse.Status, code: String, message: String, retryAfter: Int? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.retryAfter = retryAfter
    }

    public var description: String { "\(status.code) \(code): \(message)" }

    static func badRequest(_ code: String, _ message: String) -> ServiceError {
        ServiceError(status: .badRequest, code: code, message: message)
    }
    static func unprocessable(_ code: String, _ message: String) -> ServiceError {
        ServiceError(status: .unprocessableContent, code: code, message: message)
    }
    static func notFound(_ code: String, _ message: String) -> ServiceError {
        ServiceError(status: .notFound, code: code, message: message)
    }
    static func unauthorized(_ message: String) -> ServiceError {
        ServiceError(status: .unauthorized, code: "unauthorized", message: message)
    }
    static func tooLarge(_ limit: Int) -> ServiceError {
        ServiceError(
            status: .contentTooLarge, code: "body_too_large",
            message: "the body exceeds this route's limit of \(limit) bytes")
    }
    static func busy(retryAfter: Int) -> ServiceError {
        ServiceError(
            status: .serviceUnavailable, code: "busy", message: "the work queue is full; retry later",
            retryAfter: retryAfter)
    }
    static func internalError(_ message: String) -> ServiceError {
        ServiceError(status: .internalServerError, code: "internal", message: message)
    }
    /// A problem with the server's own setup (models folder, data folder, signing key, tokens).
    public static func configuration(_ message: String) -> ServiceError {
        ServiceError(status: .internalServerError, code: "configuration", message: message)
    }

    /// The JSON error body.
    var body: [UInt8] {
        let data = (try? JSONEncoder().encode(ErrorBody(code: code, message: message))) ?? Data()
        return Array(data)
    }

    func response() -> Response {
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

/// Turns every error a route or the router throws into the JSON error body: `ServiceError`
/// as is, Hummingbird's own (unknown route, wrong method, body over the limit) with their
/// status, anything else as a 500 whose details go to the log only.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as ServiceError {
            if error.status.code >= 500 {
                context.logger.error("\(request.method) \(request.uri.path): \(error)")
            }
            return error.response()
        } catch let error as any HTTPResponseError {
            let code: String
            switch error.status.code {
            case 404: code = "not_found"
            case 413: code = "body_too_large"
            default: code = "http_\(error.status.code)"
            }
            let message =
                error.status.code == 404
                ? "no such route: \(request.method) \(request.uri.path)" : error.status.reasonPhrase
            return ServiceError(status: error.status, code: code, message: message).response()
        } catch {
            context.logger.error("\(request.method) \(request.uri.path): unexpected \(error)")
            return ServiceError.internalError("the server could not answer this request").response()
        }
    }
}
