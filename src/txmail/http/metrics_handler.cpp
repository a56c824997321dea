#include "txmail/http/metrics_handler.h"

#include "txmail/metrics/text_format.h"

namespace txmail::http {

void add_metrics_route(Router& router, const ServiceMetrics& metrics) {
    router.add("GET", "/metrics", [&metrics](const Request&, const PathParams&) {
        return Response::text(200, metrics.expose(), std::string(metrics::text_content_type));
    });
}

}  // namespace txmail::http
