#pragma once
// A blocking JSON-RPC 2.0 client over eportd's Unix socket (NDJSON framing, PROTOCOL.md).

#include "eport/common/unique_fd.hpp"
#include "rpc_error.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <deque>
#include <optional>
#include <string>

namespace eport::client {

/// Owns one connection to eportd; requests are sent one at a time and matched by id.
class RpcClient {
 public:
  /// Connects to the Unix socket at `path`; throws ConnectError.
  explicit RpcClient(const std::string& path);
  ~RpcClient();
  RpcClient(const RpcClient&) = delete;
  RpcClient& operator=(const RpcClient&) = delete;

  /// Sends `method` with `params` (null = none) and waits for its answer; throws RpcError or ConnectError.
  nlohmann::json call(const std::string& method, const nlohmann::json& params = nullptr);

  /// Next server notification (no id), waiting at most `timeout`; nullopt on timeout.
  std::optional<nlohmann::json> next_notification(std::chrono::milliseconds timeout);

  /// How long call() waits for an answer before giving up.
  void set_timeout(std::chrono::milliseconds t) { timeout_ = t; }

  /// The socket path this client is connected to.
  const std::string& path() const { return path_; }

 private:
  std::optional<nlohmann::json> read_message(std::chrono::milliseconds timeout);
  void send_line(const std::string& line);

  std::string path_;
  UniqueFd fd_;
  long next_id_ = 1;
  std::string buffer_;
  std::deque<nlohmann::json> notifications_;
  std::chrono::milliseconds timeout_{std::chrono::minutes(2)};
};

}  // namespace eport::client
