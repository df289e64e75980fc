#pragma once
// The answer channel handed to every method handler. A handler answers once, now or later and
// from any thread: the Reply forwards the JSON-RPC response to a sink that the connection
// provides (it posts the write to the I/O thread and drops it if the client has gone).

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

namespace eport::ipc {

/// Copyable, thread-safe handle for answering one request. Only the first answer counts; if
/// every copy is destroyed without an answer, the client gets -32603 instead of waiting forever.
class Reply {
 public:
  /// Receives the complete response object; a null json means "nothing to send" (the request
  /// was a notification). Must be thread-safe.
  using Sink = std::function<void(nlohmann::json response)>;

  /// `id`: the request id to echo.
  Reply(nlohmann::json id, Sink sink);

  /// Answers with `result`.
  void result(nlohmann::json result) const;
  /// Answers with a JSON-RPC error (`data` omitted when null).
  void error(int code, const std::string& message, nlohmann::json data = nullptr) const;
  /// Answers with application error -32000 and `error.data.reason`; `extra` fields are merged
  /// into `error.data`. `message` says what happened and what to do.
  void fail(const std::string& reason, const std::string& message,
            nlohmann::json extra = nlohmann::json::object()) const;
  /// True once an answer was given through any copy.
  bool answered() const;
  /// The request id.
  const nlohmann::json& id() const;

 private:
  struct State;
  void send(nlohmann::json body) const;
  std::shared_ptr<State> state_;
};

/// A JSON-RPC error response object (used for errors found before a handler runs).
nlohmann::json make_error_response(const nlohmann::json& id, int code, const std::string& message,
                                   nlohmann::json data = nullptr);

}  // namespace eport::ipc
