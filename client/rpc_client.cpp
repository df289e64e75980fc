#include "rpc_client.hpp"

#include <openssl/crypto.h>

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>

namespace eport::client {

using nlohmann::json;

RpcError::RpcError(const json& error)
    : std::runtime_error(error.value("message", std::string("error from eportd"))),
      code(error.value("code", 0)) {
  if (error.contains("data") && error["data"].is_object()) {
    data = error["data"];
    reason = data.value("reason", std::string());
  }
}

ConnectError::ConnectError(const std::string& what, std::string p, int e)
    : std::runtime_error(what), path(std::move(p)), err(e) {}

namespace {

// Requests may carry a PUK, PIN or management key: overwrite every copy this client made.
void cleanse(std::string& s) {
  if (!s.empty()) OPENSSL_cleanse(&s[0], s.size());
}

void cleanse(json& j) {
  if (j.is_string()) cleanse(j.get_ref<std::string&>());
  else if (j.is_structured())
    for (auto& v : j) cleanse(v);
}

}  // namespace

RpcClient::RpcClient(const std::string& path) : path_(path) {
  sockaddr_un addr{};
  if (path.size() >= sizeof(addr.sun_path)) throw ConnectError("socket path too long", path, ENAMETOOLONG);
  fd_.reset(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd_) throw ConnectError(std::strerror(errno), path, errno);
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  if (::connect(fd_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    int e = errno;
    fd_.reset();
    throw ConnectError(std::strerror(e), path, e);
  }
}

RpcClient::~RpcClient() = default;

void RpcClient::send_line(const std::string& line) {
  size_t done = 0;
  while (done < line.size()) {
    ssize_t n = ::send(fd_.get(), line.data() + done, line.size() - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw ConnectError(std::strerror(errno), path_, errno);
    done += static_cast<size_t>(n);
  }
}

std::optional<json> RpcClient::read_message(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto nl = buffer_.find('\n');
    if (nl != std::string::npos) {
      std::string line = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      if (line.empty()) continue;
      auto msg = json::parse(line, nullptr, false);
      if (msg.is_discarded()) throw ConnectError("eportd sent a line that is not JSON", path_, EPROTO);
      return msg;
    }
    auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    pollfd p{fd_.get(), POLLIN, 0};
    int r = ::poll(&p, 1, static_cast<int>(left.count()));
    if (r < 0 && errno == EINTR) return std::nullopt;  // a signal (Ctrl-C) ends the wait
    if (r < 0) throw ConnectError(std::strerror(errno), path_, errno);
    if (r == 0) return std::nullopt;
    char chunk[65536];
    ssize_t n = ::recv(fd_.get(), chunk, sizeof(chunk), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw ConnectError(std::strerror(errno), path_, errno);
    if (n == 0) throw ConnectError("eportd closed the connection", path_, ECONNRESET);
    buffer_.append(chunk, static_cast<size_t>(n));
  }
}

json RpcClient::call(const std::string& method, const json& params) {
  const long id = next_id_++;
  json req = {{"jsonrpc", "2.0"}, {"id", id}, {"method", method}};
  if (!params.is_null()) req["params"] = params;
  std::string line = req.dump() + "\n";
  cleanse(req);
  try {
    send_line(line);
  } catch (...) {
    cleanse(line);
    throw;
  }
  cleanse(line);
  for (;;) {
    auto msg = read_message(timeout_);
    if (!msg) throw ConnectError("no answer from eportd in time", path_, ETIMEDOUT);
    if (!msg->contains("id") || (*msg)["id"].is_null()) {
      if (msg->contains("error")) throw RpcError((*msg)["error"]);
      notifications_.push_back(std::move(*msg));
      continue;
    }
    if ((*msg)["id"] != id) continue;  // an answer to nothing we are waiting for
    if (msg->contains("error")) throw RpcError((*msg)["error"]);
    return msg->value("result", json(nullptr));
  }
}

std::optional<json> RpcClient::next_notification(std::chrono::milliseconds timeout) {
  if (!notifications_.empty()) {
    json n = std::move(notifications_.front());
    notifications_.pop_front();
    return n;
  }
  for (;;) {
    auto msg = read_message(timeout);
    if (!msg) return std::nullopt;
    if (!msg->contains("id") || (*msg)["id"].is_null()) return msg;
  }
}

}  // namespace eport::client
