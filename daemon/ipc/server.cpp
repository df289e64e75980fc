#include "ipc/server.hpp"

#include <fcntl.h>
#include <grp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <stdexcept>

#include <spdlog/spdlog.h>

#include "eport/common/reasons.hpp"
#include "ipc/error_codes.hpp"
#include "ipc/json_message.hpp"

namespace eport::ipc {

namespace {

void set_cloexec(int fd) { ::fcntl(fd, F_SETFD, ::fcntl(fd, F_GETFD) | FD_CLOEXEC); }

void make_parent_directory(const std::string& path) {
  const auto slash = path.rfind('/');
  if (slash == std::string::npos || slash == 0) return;
  const std::string dir = path.substr(0, slash);
  struct stat info {};
  if (::stat(dir.c_str(), &info) == 0) return;
  make_parent_directory(dir);
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST)
    throw std::runtime_error("cannot create " + dir + " for the socket: " + std::strerror(errno));
}

std::optional<gid_t> group_id(const std::string& name) {
  std::vector<char> buffer(16384);
  group entry{};
  group* found = nullptr;
  if (getgrnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found) == 0 && found)
    return found->gr_gid;
  return std::nullopt;
}

}  // namespace

Server::Server(ServerOptions options, const Dispatcher& dispatcher, events::EventBus& events)
    : options_(std::move(options)),
      dispatcher_(dispatcher),
      events_(events),
      signals_(io_, SIGTERM, SIGINT),
      acceptor_(io_),
      accept_timer_(io_) {}

Server::~Server() { shut_down(); }

void Server::listen() {
  using Protocol = boost::asio::local::stream_protocol;
  if (options_.inherited_fd >= 0) {
    acceptor_.assign(Protocol(), options_.inherited_fd);
    set_cloexec(options_.inherited_fd);
    spdlog::info("serving the socket handed over by the service manager (fd {})", options_.inherited_fd);
  } else {
    bind_socket();
  }
  wait_for_signals();
  accept();
}

void Server::bind_socket() {
  using Protocol = boost::asio::local::stream_protocol;
  const std::string& path = options_.socket_path;
  make_parent_directory(path);
  lock_ = std::make_unique<SocketLock>(path);
  remove_stale_socket(path);
  acceptor_.open(Protocol());
  set_cloexec(acceptor_.native_handle());
  boost::system::error_code error;
  acceptor_.bind(Protocol::endpoint(path), error);
  if (error) throw std::runtime_error("cannot bind " + path + ": " + error.message());
  created_socket_ = true;
  // Mode and group are set before listen(), so no client can connect through wider permissions.
  if (::chmod(path.c_str(), options_.socket_mode) != 0)
    throw std::runtime_error("cannot chmod " + path + ": " + std::strerror(errno));
  if (!options_.socket_group.empty()) {
    if (auto gid = group_id(options_.socket_group)) {
      if (::chown(path.c_str(), static_cast<uid_t>(-1), *gid) != 0)
        spdlog::warn("cannot give {} to group {}: {}; members of that group cannot connect", path,
                     options_.socket_group, std::strerror(errno));
    }
  }
  acceptor_.listen(boost::asio::socket_base::max_listen_connections, error);
  if (error) throw std::runtime_error("cannot listen on " + path + ": " + error.message());
  spdlog::info("listening on {} (mode {:04o})", path, options_.socket_mode);
}

void Server::accept() {
  acceptor_.async_accept([this](const boost::system::error_code& error, Connection::Socket socket) {
    if (stopped_ || !acceptor_.is_open()) return;
    if (error) return on_accept_error(error);
    if (const auto burst = backoff_.succeeded(); burst > 0)
      spdlog::info("accepting clients again after {} failed attempt(s)", burst);
    admit(std::move(socket));
    accept();
  });
}

void Server::on_accept_error(const boost::system::error_code& error) {
  const auto decision = backoff_.failed(error.value());
  if (decision.log)
    spdlog::warn("cannot accept a client: {}{}", error.message(),
                 decision.delay.count() > 0 ? "; waiting clients stay queued, retrying with back-off (logged "
                                              "once until accepting works again)"
                                            : "");
  if (decision.delay.count() == 0) return accept();
  accept_timer_.expires_after(decision.delay);
  accept_timer_.async_wait([this](const boost::system::error_code& cancelled) {
    if (!cancelled && !stopped_) accept();
  });
}

void Server::admit(Connection::Socket socket) {
  set_cloexec(socket.native_handle());
  auto peer = read_peer_identity(socket.native_handle());
  if (!peer) {
    spdlog::warn("refusing a client whose credentials the kernel does not report");
    return;  // the socket closes here
  }
  if (manager_.size() >= options_.max_clients) {
    return refuse(
        std::move(socket), *peer,
        std::to_string(manager_.size()) + " clients are connected (limits.max_clients)",
        make_error_response(
            nullptr, kApplicationError, "too many clients are connected; try again later",
            {{"reason", reasons::too_many_clients}, {"limit", options_.max_clients}, {"scope", "daemon"}}));
  }
  if (manager_.count_for_uid(peer->uid) >= options_.max_clients_per_uid) {
    return refuse(std::move(socket), *peer,
                  "its uid has " + std::to_string(manager_.count_for_uid(peer->uid)) +
                      " connections (limits.max_clients_per_uid)",
                  make_error_response(nullptr, kApplicationError,
                                      "too many connections from your user (uid " +
                                          std::to_string(peer->uid) + "); close some of them and try again",
                                      {{"reason", reasons::too_many_clients},
                                       {"limit", options_.max_clients_per_uid},
                                       {"scope", "uid"}}));
  }
  manager_.start(std::make_shared<Connection>(std::move(socket), *peer, manager_, dispatcher_, events_,
                                              options_.limits));
}

void Server::refuse(Connection::Socket socket, const PeerIdentity& peer, const std::string& why,
                    const nlohmann::json& response) {
  if (const auto left_out = refusal_log_.occurred(LogThrottle::Clock::now()))
    spdlog::warn("refusing pid {} uid {}: {}{}", peer.pid, peer.uid, why,
                 *left_out > 0 ? " (" + std::to_string(*left_out) + " more refusals were not logged)" : "");
  // One small write into a fresh socket's empty buffer, then close: a refused client costs no
  // buffer and no timer, however many of them knock.
  const std::string text = serialise_message(response) + "\n";
  boost::system::error_code ignored;
  socket.non_blocking(true, ignored);
  socket.write_some(boost::asio::buffer(text), ignored);
  socket.shutdown(Connection::Socket::shutdown_both, ignored);
  socket.close(ignored);
}

void Server::on_signal(int signal_number, std::function<void()> handler) {
  signals_.add(signal_number);
  signal_handlers_[signal_number] = std::move(handler);
}

void Server::wait_for_signals() {
  signals_.async_wait([this](const boost::system::error_code& error, int signal_number) {
    if (error) return;
    auto handler = signal_handlers_.find(signal_number);
    if (handler != signal_handlers_.end()) {
      handler->second();
      wait_for_signals();
      return;
    }
    spdlog::info("signal {} received: shutting down", signal_number);
    shut_down();
  });
}

void Server::every(std::chrono::milliseconds period, std::function<void()> tick) {
  timers_.push_back(std::make_unique<boost::asio::steady_timer>(io_));
  auto* timer = timers_.back().get();
  auto arm = std::make_shared<std::function<void()>>();
  *arm = [timer, period, tick = std::move(tick), weak = std::weak_ptr<std::function<void()>>(arm)] {
    timer->expires_after(period);
    timer->async_wait([&tick, weak](const boost::system::error_code& error) {
      if (error) return;
      tick();
      if (auto again = weak.lock()) (*again)();
    });
  };
  (*arm)();
  // The timer's lifetime bounds the re-arming closure: keep the closure with the timers.
  rearm_.push_back(arm);
}

void Server::set_limits(const ServerOptions& options) {
  options_.max_clients = options.max_clients;
  options_.max_clients_per_uid = options.max_clients_per_uid;
  options_.limits = options.limits;
}

void Server::run() {
  for (;;) {
    try {
      io_.run();
      return;
    } catch (const std::exception& e) {
      // Handlers catch what they expect; whatever gets here is a bug. Asio leaves the loop
      // usable after a handler threw, so log it and keep serving everyone else.
      spdlog::critical("internal error in the I/O loop: {}; eportd keeps serving (please report this)",
                       e.what());
    } catch (...) {
      spdlog::critical("internal error in the I/O loop: an unknown exception; eportd keeps serving");
    }
  }
}

void Server::post(std::function<void()> task) { boost::asio::post(io_, std::move(task)); }

void Server::stop() {
  boost::asio::post(io_, [this] { shut_down(); });
}

void Server::shut_down() {
  if (stopped_) return;
  stopped_ = true;
  for (auto& handler : stopping_) handler();
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  signals_.cancel(ignored);
  accept_timer_.cancel();
  for (auto& timer : timers_) timer->cancel();
  manager_.stop_all();
  if (created_socket_) {
    ::unlink(options_.socket_path.c_str());
    created_socket_ = false;
  }
  io_.stop();
}

}  // namespace eport::ipc
