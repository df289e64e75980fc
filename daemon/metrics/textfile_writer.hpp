#pragma once
// Writes the metrics text to node_exporter's textfile directory: once at start, then after
// changes (a burst of changes within `settle` gives one write), and at least every `refresh`
// so that node_textfile_mtime_seconds tells a running eportd from a dead one. The last write,
// at stop, says eportd_up 0. One small thread that sleeps while nothing changes.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "metrics/metrics_model.hpp"

namespace eport::metrics {

/// Where and how often.
struct TextfileOptions {
  std::string path;                       ///< the .prom file
  std::chrono::seconds refresh{300};      ///< rewrite at least this often; 0 = only on changes
  std::chrono::milliseconds settle{200};  ///< wait this long after a change for more
};

/// The writer thread. Create it, make the model's listener call changed(), then start().
class TextfileWriter {
 public:
  /// `model` must outlive the writer.
  TextfileWriter(MetricsModel& model, TextfileOptions options);
  /// Stops (see stop()).
  ~TextfileWriter();
  TextfileWriter(const TextfileWriter&) = delete;
  TextfileWriter& operator=(const TextfileWriter&) = delete;

  /// Starts the thread; it writes the file at once.
  void start();
  /// The model changed: write soon. Cheap; any thread.
  void changed();
  /// Ends the thread, marks the model as stopping and writes the file one last time (eportd_up 0).
  void stop();

  /// For diag.report: {"textfile","refresh_s","writes","last_write","error"}.
  nlohmann::json status() const;

 private:
  void run();
  void write_now();

  MetricsModel& model_;
  const TextfileOptions options_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool dirty_ = false;
  bool stopping_ = false;
  bool started_ = false;
  std::uint64_t writes_ = 0;
  std::optional<std::chrono::system_clock::time_point> last_write_;
  std::string error_;
  std::thread thread_;
};

}  // namespace eport::metrics
