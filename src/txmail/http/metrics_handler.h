// GET /metrics: the service's metrics in the Prometheus text format 0.0.4, without the bearer
// token (like /healthz: scrapers carry no API token, and nothing here names a user or address).
#pragma once

#include "txmail/http/router.h"
#include "txmail/http/service_metrics.h"

namespace txmail::http {

// `metrics` must outlive the router.
void add_metrics_route(Router& router, const ServiceMetrics& metrics);

}  // namespace txmail::http
