#pragma once
// metrics.get: the same Prometheus text the textfile holds, for scripts without node_exporter.

#include "ipc/method_table.hpp"
#include "metrics/metrics_model.hpp"

namespace eport::metrics {

/// Registers metrics.get (every peer): {"text", "content_type"}. `model` must outlive the table.
void register_metrics_methods(ipc::MethodTable& table, const MetricsModel& model);

}  // namespace eport::metrics
