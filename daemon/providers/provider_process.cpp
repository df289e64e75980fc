#include "providers/provider_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <thread>
#include <utility>

extern char** environ;

namespace eport::providers {

using wire::Type;

struct ProviderProcess::Pending {
  std::mutex mutex;
  std::condition_variable cv;
  bool done = false;
  bool wait = false;  // a wait_change: interrupt_waits() may end it
  Answer answer;
};

// One run of the helper: its socket, pid, calls in flight and the thread reading its answers.
struct ProviderProcess::Incarnation {
  int fd = -1;
  pid_t pid = -1;
  std::uint64_t epoch = 0;
  std::mutex mutex;  // guards alive, pending
  std::condition_variable ended;
  bool alive = true;
  std::map<std::uint32_t, std::shared_ptr<Pending>> pending;
  std::thread reader;

  bool is_alive() {
    std::lock_guard<std::mutex> lock(mutex);
    return alive;
  }
  ~Incarnation() {
    if (is_alive() && pid > 0) ::kill(pid, SIGKILL);  // the reader then sees the end and reaps
    if (reader.joinable()) reader.join();
    if (fd >= 0) ::close(fd);
  }
};

namespace {

void finish(Answer& slot, std::int32_t status, std::vector<std::uint8_t> payload) {
  slot.status = status;
  slot.payload = std::move(payload);
}

std::string exit_text(int status) {
  if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
  if (WIFEXITED(status)) return "exit code " + std::to_string(WEXITSTATUS(status));
  return "status " + std::to_string(status);
}

// Waits for the helper to exit; kills it when it has not after `grace`.
int reap(pid_t pid, std::chrono::milliseconds grace) {
  int status = 0;
  const auto deadline = std::chrono::steady_clock::now() + grace;
  while (::waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return status;
}

pid_t spawn_helper(const std::string& executable, int child_end, std::string& error) {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  posix_spawn_file_actions_init(&actions);
  posix_spawnattr_init(&attr);
  posix_spawn_file_actions_adddup2(&actions, child_end, 3);  // child_end >= 10: dup2 clears CLOEXEC
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  for (int sig : {SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGCHLD}) sigaddset(&defaults, sig);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  // argv[0] "eportd": what ps shows, and the program name p11-kit's enable-in/disable-in match.
  std::string arg0 = "eportd", arg1 = "--provider-host", arg2 = "3";
  char* argv[] = {arg0.data(), arg1.data(), arg2.data(), nullptr};
  pid_t pid = -1;
  const int rc = ::posix_spawn(&pid, executable.c_str(), &actions, &attr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    error = "cannot start the provider helper " + executable + ": " + std::strerror(rc);
    return -1;
  }
  return pid;
}

}  // namespace

ProviderProcess::ProviderProcess(ProviderLaunch launch) : launch_(std::move(launch)) {}

ProviderProcess::~ProviderProcess() { stop(); }

std::string ProviderProcess::start(drivers::DriverInfo& info, std::string& library) {
  std::string error;
  auto inc = spawn(info, error, library);
  if (!inc) return error;
  std::lock_guard<std::mutex> lock(mutex_);
  current_ = std::move(inc);
  return {};
}

std::shared_ptr<ProviderProcess::Incarnation> ProviderProcess::spawn(drivers::DriverInfo& info,
                                                                     std::string& error,
                                                                     std::string& library) {
  int pair[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0) {
    error = std::string("socketpair: ") + std::strerror(errno);
    return nullptr;
  }
  const int child_end = ::fcntl(pair[1], F_DUPFD_CLOEXEC, 10);
  ::close(pair[1]);
  auto inc = std::make_shared<Incarnation>();
  inc->fd = pair[0];
  inc->pid = child_end < 0 ? -1 : spawn_helper(launch_.executable, child_end, error);
  if (child_end >= 0) ::close(child_end);
  if (inc->pid < 0) {
    if (error.empty()) error = std::string("fcntl: ") + std::strerror(errno);
    inc->alive = false;
    return nullptr;
  }
  wire::Writer hello(Type::hello);
  hello.str(launch_.plugin_dir.string()).str(launch_.spec.name);
  hello.str(launch_.spec.options.is_object() ? launch_.spec.options.dump() : "{}").str(launch_.log_level);
  wire::send_message(inc->fd, hello.data());
  // Wait for the plug-in's init(), passing its log lines on meanwhile.
  const auto deadline = std::chrono::steady_clock::now() + launch_.init_timeout;
  std::vector<std::uint8_t> message;
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    pollfd p{inc->fd, POLLIN, 0};
    if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) {
      error = "the plug-in's init() did not return within " +
              std::to_string(launch_.init_timeout.count() / 1000) + " s; check the libraries it loads";
      break;
    }
    if (wire::receive_message(inc->fd, message) != wire::Received::message) {
      error = "the provider helper ended during init (" + exit_text(reap(inc->pid, launch_.stop_timeout)) +
              "); a library the plug-in loads may have crashed";
      inc->alive = false;
      inc->pid = -1;
      return nullptr;
    }
    wire::Reader r(message);
    const Type type = r.type();
    if (type != Type::hello_result) {
      handle_side_message(type, r);
      continue;
    }
    if (r.u8() == 1) {
      info = wire::get_driver_info(r);
      library = info.library;
      std::lock_guard<std::mutex> lock(mutex_);
      inc->epoch = next_epoch_++;
      Incarnation* self = inc.get();
      inc->reader = std::thread([this, self] { read_loop(*self); });
      return inc;
    }
    library = r.str();
    error = r.str();
    break;
  }
  ::kill(inc->pid, SIGKILL);
  reap(inc->pid, launch_.stop_timeout);
  inc->alive = false;
  inc->pid = -1;
  return nullptr;
}

void ProviderProcess::handle_side_message(Type type, wire::Reader& r) {
  if (type == Type::log) {
    const auto level = static_cast<spdlog::level::level_enum>(r.i32());
    const std::string text = r.str();
    if (!r.bad() && launch_.logger) launch_.logger->log(level, "{}", text);
  } else if (type == Type::status) {
    const std::string text = r.str();
    if (r.bad()) return;
    std::function<void(const std::string&)> sink;
    {
      std::lock_guard<std::mutex> lock(hooks_mutex_);
      last_status_ = text;
      sink = status_sink_;
    }
    if (sink) sink(text);
  }
}

void ProviderProcess::on_status(std::function<void(const std::string&)> sink) {
  std::string latest;
  {
    std::lock_guard<std::mutex> lock(hooks_mutex_);
    status_sink_ = sink;
    latest = last_status_;
  }
  if (sink && !latest.empty()) sink(latest);
}

void ProviderProcess::on_change_hint(std::function<void()> hint) {
  std::lock_guard<std::mutex> lock(hooks_mutex_);
  change_hint_ = std::move(hint);
}

void ProviderProcess::change_hint() {
  std::function<void()> hint;
  {
    std::lock_guard<std::mutex> lock(hooks_mutex_);
    hint = change_hint_;
  }
  if (hint) hint();
}

void ProviderProcess::read_loop(Incarnation& self) {
  std::vector<std::uint8_t> message;
  while (wire::receive_message(self.fd, message) == wire::Received::message) {
    wire::Reader r(message);
    const Type type = r.type();
    if (type != Type::result) {
      handle_side_message(type, r);
      continue;
    }
    const std::uint32_t id = r.u32();
    const std::int32_t status = r.i32();
    std::shared_ptr<Pending> pending;
    {
      std::lock_guard<std::mutex> lock(self.mutex);
      const auto it = self.pending.find(id);
      if (it == self.pending.end()) continue;  // its caller gave up (timeout)
      pending = it->second;
      self.pending.erase(it);
    }
    std::lock_guard<std::mutex> lock(pending->mutex);
    finish(pending->answer, r.bad() ? EPORT_ERR_INTERNAL : status,
           std::vector<std::uint8_t>(
               message.begin() + static_cast<std::ptrdiff_t>(std::min(r.offset(), message.size())),
               message.end()));
    pending->done = true;
    pending->cv.notify_all();
  }
  // The helper is gone: its calls end, its tokens with it.
  std::map<std::uint32_t, std::shared_ptr<Pending>> orphans;
  {
    std::lock_guard<std::mutex> lock(self.mutex);
    self.alive = false;
    orphans.swap(self.pending);
  }
  for (auto& [id, pending] : orphans) {
    std::lock_guard<std::mutex> lock(pending->mutex);
    finish(pending->answer, EPORT_ERR_CARD_REMOVED, {});
    pending->done = true;
    pending->cv.notify_all();
  }
  const int status = reap(self.pid, launch_.stop_timeout);
  self.ended.notify_all();
  bool stopping = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping = stopping_;
  }
  if (!stopping && launch_.logger)
    launch_.logger->error(
        "the helper process of driver {} (pid {}) ended ({}): its tokens are removed and it is started again",
        name(), self.pid, exit_text(status));
  if (!stopping) change_hint();
}

bool ProviderProcess::ensure_running() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) return false;
    if (current_ && current_->is_alive()) return true;
    const auto now = std::chrono::steady_clock::now();
    if (now < next_attempt_) return false;
    next_attempt_ = now + backoff_;
  }
  drivers::DriverInfo info;
  std::string error, library;
  auto inc = spawn(info, error, library);
  std::shared_ptr<Incarnation> old;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!inc) {
      backoff_ = std::min(backoff_ * 2, std::chrono::seconds(30));
      if (launch_.logger)
        launch_.logger->warn("driver {}: the helper could not be started again: {}", name(), error);
      return false;
    }
    backoff_ = std::chrono::seconds(1);
    old = std::move(current_);
    current_ = inc;
    if (stopping_) current_.reset();
  }
  if (launch_.logger)
    launch_.logger->info("driver {}: helper process started again (pid {})", name(), inc->pid);
  return true;  // `old` (ended) and, when stopping, `inc` (killed) are released here
}

std::uint64_t ProviderProcess::live_epoch() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return current_ && current_->is_alive() ? current_->epoch : 0;
}

Answer ProviderProcess::call(wire::Op op, std::uint64_t epoch, std::uint64_t ref,
                             const std::function<void(wire::Writer&)>& args,
                             std::chrono::milliseconds timeout) {
  Answer gone;
  gone.status = EPORT_ERR_CARD_REMOVED;
  std::shared_ptr<Incarnation> inc;
  std::uint32_t id = 0;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    inc = current_;
    id = next_call_++;
    if (id == 0) id = next_call_++;
    // A wake that came while no wait was registered (the watcher between its rescan check and
    // this call) ends the next wait at once, so a rescan request is never held for a whole wait.
    if (op == wire::Op::wait_change && (waits_stopped_ || std::exchange(wake_next_, false))) {
      Answer none;
      none.status = EPORT_ERR_TIMEOUT;
      return none;
    }
  }
  if (!inc || (epoch != 0 && inc->epoch != epoch)) return gone;
  auto pending = std::make_shared<Pending>();
  pending->wait = op == wire::Op::wait_change;
  {
    std::lock_guard<std::mutex> lock(inc->mutex);
    if (!inc->alive) return gone;
    inc->pending[id] = pending;
  }
  wire::Writer w(Type::call);
  w.u32(id).u8(static_cast<std::uint8_t>(op)).u64(ref);
  if (args) args(w);
  const bool sent = wire::send_message(inc->fd, w.data());
  std::unique_lock<std::mutex> lock(pending->mutex);
  if (sent) pending->cv.wait_for(lock, timeout, [&] { return pending->done; });
  if (!pending->done) {
    lock.unlock();
    {
      std::lock_guard<std::mutex> forget(inc->mutex);
      inc->pending.erase(id);
    }
    if (sent && op == wire::Op::enumerate && inc->is_alive()) {
      if (launch_.logger)
        launch_.logger->error(
            "driver {}: its helper (pid {}) did not answer a listing within {} s: the plug-in or "
            "its library is stuck; the helper is killed and started again",
            name(), inc->pid, std::chrono::duration_cast<std::chrono::seconds>(timeout).count());
      ::kill(inc->pid, SIGKILL);  // the reader sees the end: tokens go, ensure_running() restarts
    }
    Answer late;
    late.status = sent ? EPORT_ERR_TIMEOUT : EPORT_ERR_CARD_REMOVED;
    return late;
  }
  Answer answer = std::move(pending->answer);
  lock.unlock();
  answer.epoch = inc->epoch;
  if (answer.status == EPORT_ERR_CARD_REMOVED) change_hint();
  return answer;
}

void ProviderProcess::interrupt_waits(bool for_good) {
  std::shared_ptr<Incarnation> inc;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (for_good) waits_stopped_ = true;
    wake_next_ = true;
    inc = current_;
  }
  if (!inc) return;
  std::vector<std::shared_ptr<Pending>> ended;
  {
    std::lock_guard<std::mutex> lock(inc->mutex);
    if (!inc->alive) return;
    for (auto it = inc->pending.begin(); it != inc->pending.end();) {
      if (it->second->wait) {
        ended.push_back(it->second);
        it = inc->pending.erase(it);  // the helper's late answer finds no caller
      } else {
        ++it;
      }
    }
  }
  if (ended.empty()) return;
  wire::Writer w(Type::call);
  w.u32(0).u8(static_cast<std::uint8_t>(wire::Op::wake)).u64(0);
  wire::send_message(inc->fd, w.data());
  for (auto& pending : ended) {
    std::lock_guard<std::mutex> lock(pending->mutex);
    pending->answer.status = EPORT_ERR_TIMEOUT;
    pending->done = true;
    pending->cv.notify_all();
  }
}

void ProviderProcess::close_token(std::uint64_t epoch, std::uint64_t ref) {
  std::shared_ptr<Incarnation> inc;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    inc = current_;
  }
  if (!inc || inc->epoch != epoch || !inc->is_alive()) return;
  wire::Writer w(Type::call);
  w.u32(0).u8(static_cast<std::uint8_t>(wire::Op::close)).u64(ref);
  wire::send_message(inc->fd, w.data());
}

void ProviderProcess::stop() {
  std::shared_ptr<Incarnation> inc;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    inc = std::move(current_);
  }
  if (!inc) return;
  wire::Writer bye(Type::shutdown);
  wire::send_message(inc->fd, bye.data());
  std::unique_lock<std::mutex> lock(inc->mutex);
  if (!inc->ended.wait_for(lock, launch_.stop_timeout, [&] { return !inc->alive; }) && inc->pid > 0) {
    if (launch_.logger)
      launch_.logger->warn("driver {}: the helper did not stop within {} s; killed", name(),
                           launch_.stop_timeout.count() / 1000);
    ::kill(inc->pid, SIGKILL);
  }
  lock.unlock();
  inc.reset();  // joins the reader, which reaped the helper
}

}  // namespace eport::providers
