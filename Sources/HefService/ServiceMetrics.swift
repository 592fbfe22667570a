import Foundation
import Hummingbird
import Prometheus

/// The service's Prometheus metrics (`GET /metrics`, text exposition format 0.0.4).
///
/// Each server has its own registry (no process-wide `MetricsSystem` bootstrap), so several
/// servers in one process, as in the tests, count separately.
///
/// | metric | type | labels |
/// |---|---|---|
/// | `hef_http_requests_total` | counter | `route`, `method`, `status` |
/// | `hef_http_request_duration_seconds` | histogram | `route`, `method` |
/// | `hef_http_request_bytes_total` | counter | `route` (declared `Content-Length`) |
/// | `hef_http_response_bytes_total` | counter | `route` |
/// | `hef_evaluations_total` | counter | `model` |
/// | `hef_evaluation_duration_seconds` | histogram | `model` (the library's evaluate time, queue wait excluded) |
/// | `hef_queue_depth` | gauge | – (jobs running plus waiting, read at scrape time) |
/// | `hef_queue_rejections_total` | counter | – (503 answers of a full queue) |
/// | `hef_keys_stored` | gauge | – (key sets in the registry, read at scrape time) |
/// | `hef_models_served` | gauge | – |
public final class ServiceMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    /// Latency buckets from 1 ms to 60 s: metadata answers take microseconds to milliseconds,
    /// evaluations tens of milliseconds to seconds.
    static let buckets: [Duration] = [
        .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500),
        .seconds(5), .seconds(10), .seconds(30), .seconds(60),
    ]
    let queueDepth: Gauge
    let keysStored: Gauge
    let modelsServed: Gauge
    let queueRejections: Counter

    init() {
        queueDepth = registry.makeGauge(descriptor: Self.named("hef_queue_depth", "Heavy jobs running plus waiting"))
        keysStored = registry.makeGauge(
            descriptor: Self.named("hef_keys_stored", "Evaluation key sets in the registry"))
        modelsServed = registry.makeGauge(descriptor: Self.named("hef_models_served", "Compiled models served"))
        queueRejections = registry.makeCounter(
            descriptor: Self.named(
                "hef_queue_rejections_total", "Requests refused with 503 because the work queue was full"))
    }

    /// A metric's full name (the unit is part of it) and help text.
    static func named(_ name: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }

    static var requests: MetricNameDescriptor { named("hef_http_requests_total", "HTTP requests answered") }
    static var requestDuration: MetricNameDescriptor {
        named(
            "hef_http_request_duration_seconds", "Time from the request's head to the response's head")
    }
    static var requestBytes: MetricNameDescriptor {
        named("hef_http_request_bytes_total", "Request body bytes received (Content-Length)")
    }
    static var responseBytes: MetricNameDescriptor {
        named("hef_http_response_bytes_total", "Response body bytes sent")
    }
    static var evaluations: MetricNameDescriptor { named("hef_evaluations_total", "Encrypted evaluations") }
    static var evaluationDuration: MetricNameDescriptor {
        named(
            "hef_evaluation_duration_seconds", "Time in the library's evaluate (queue wait excluded)")
    }

    func request(route: String, method: String, status: Int, duration: Duration, requestBytes: Int, responseBytes: Int)
    {
        registry.makeCounter(
            descriptor: Self.requests, labels: [("route", route), ("method", method), ("status", "\(status)")]
        ).increment()
        registry.makeDurationHistogram(
            descriptor: Self.requestDuration, labels: [("route", route), ("method", method)], buckets: Self.buckets
        ).record(duration)
        if requestBytes > 0 {
            registry.makeCounter(descriptor: Self.requestBytes, labels: [("route", route)])
                .increment(by: Int64(requestBytes))
        }
        if responseBytes > 0 {
            registry.makeCounter(descriptor: Self.responseBytes, labels: [("route", route)])
                .increment(by: Int64(responseBytes))
        }
    }

    func evaluation(model: String, duration: Duration) {
        registry.makeCounter(descriptor: Self.evaluations, labels: [("model", model)]).increment()
        registry.makeDurationHistogram(
            descriptor: Self.evaluationDuration, labels: [("model", model)], buckets: Self.buckets
        ).record(duration)
    }

    /// The exposition text.
    func render() -> [UInt8] { registry.emitToBuffer() }
}

/// Records every request in ``ServiceMetrics``, labelled by the route's pattern
/// (`/v1/models/{id}/infer`), never by the raw path, so that ids do not multiply the series.
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServiceMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        let start = ContinuousClock.now
        let requestBytes = request.headers[.contentLength].flatMap(Int.init) ?? 0
        // Inside the error middleware: every error has become a JSON answer with its status.
        let response = try await next(request, context)
        if response.status.code == 503 { metrics.queueRejections.increment() }
        metrics.request(
            route: context.endpointPath ?? "unmatched", method: request.method.rawValue, status: response.status.code,
            duration: ContinuousClock.now - start, requestBytes: requestBytes,
            responseBytes: response.body.contentLength ?? 0)
        return response
    }
}
