#include "ipc/reply.hpp"

#include "ipc/error_codes.hpp"

namespace eport::ipc {

struct Reply::State {
  nlohmann::json id;
  Sink sink;
  std::atomic<bool> done{false};

  ~State() {
    if (done.exchange(true) || !sink) return;
    try {
      sink(make_error_response(id, kInternalError,
                               "internal error: the method ended without an answer; please "
                               "report this as an eportd bug"));
    } catch (...) {
      // A destructor must not throw; the client then sees no answer, the daemon keeps going.
    }
  }
};

Reply::Reply(nlohmann::json id, Sink sink) : state_(std::make_shared<State>()) {
  state_->id = std::move(id);
  state_->sink = std::move(sink);
}

void Reply::send(nlohmann::json body) const {
  if (state_->done.exchange(true)) return;
  nlohmann::json response{{"jsonrpc", "2.0"}, {"id", state_->id}};
  response.update(body);
  if (!state_->sink) return;
  try {
    state_->sink(std::move(response));
  } catch (...) {
    // The sink only queues the answer; if even that fails (memory), the handler's thread must
    // not die of it. The connection's own guard still counts the request as finished.
  }
}

void Reply::result(nlohmann::json result) const { send({{"result", std::move(result)}}); }

void Reply::error(int code, const std::string& message, nlohmann::json data) const {
  nlohmann::json error{{"code", code}, {"message", message}};
  if (!data.is_null()) error["data"] = std::move(data);
  send({{"error", std::move(error)}});
}

void Reply::fail(const std::string& reason, const std::string& message, nlohmann::json extra) const {
  nlohmann::json data{{"reason", reason}};
  if (extra.is_object()) data.update(extra);
  error(kApplicationError, message, std::move(data));
}

bool Reply::answered() const { return state_->done.load(); }

const nlohmann::json& Reply::id() const { return state_->id; }

nlohmann::json make_error_response(const nlohmann::json& id, int code, const std::string& message,
                                   nlohmann::json data) {
  nlohmann::json error{{"code", code}, {"message", message}};
  if (!data.is_null()) error["data"] = std::move(data);
  return {{"jsonrpc", "2.0"}, {"id", id}, {"error", std::move(error)}};
}

}  // namespace eport::ipc
