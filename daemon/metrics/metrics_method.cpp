#include "metrics/metrics_method.hpp"

#include "metrics/exposition.hpp"

namespace eport::metrics {

void register_metrics_methods(ipc::MethodTable& table, const MetricsModel& model) {
  table.add({"metrics.get", ipc::Role::all,
             [&model](const ipc::Request&, ipc::Reply reply) {
               reply.result({{"text", model.render()}, {"content_type", kTextContentType}});
             },
             false, "the Prometheus metrics text (as in metrics.textfile)"});
}

}  // namespace eport::metrics
