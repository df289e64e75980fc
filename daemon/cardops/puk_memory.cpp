#include "cardops/puk_memory.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <spdlog/spdlog.h>

#include "eport/common/unique_fd.hpp"
#include "events/event_bus.hpp"

namespace eport::cardops {

namespace {

constexpr const char* kFormat = "eportd-puk-counters";

/// Writes `text` to `path` through a temporary file: fsync, then rename (mode 0600).
bool write_atomically(const std::string& path, const std::string& text, std::string& error) {
  const std::string tmp = path + ".tmp";
  UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (!fd) {
    error = "cannot create " + tmp + ": " + std::strerror(errno);
    return false;
  }
  std::size_t done = 0;
  bool ok = ::fchmod(fd.get(), 0600) == 0;
  while (ok && done < text.size()) {
    const ssize_t n = ::write(fd.get(), text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) done += static_cast<std::size_t>(n);
  }
  ok = ok && ::fsync(fd.get()) == 0;
  const int saved = errno;
  fd.reset();
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    error = "cannot write " + path + ": " + std::strerror(ok ? errno : saved);
    ::unlink(tmp.c_str());
    return false;
  }
  return true;
}

}  // namespace

nlohmann::json puk_memory_json(const std::map<std::string, PukAnswer>& answers) {
  nlohmann::json tokens = nlohmann::json::object();
  for (const auto& [token, answer] : answers)
    tokens[token] = {
        {"tries_left", answer.tries_left ? nlohmann::json(*answer.tries_left) : nlohmann::json()},
        {"blocked", answer.blocked},
        {"time", answer.time}};
  return {{"format", kFormat}, {"version", 1}, {"tokens", tokens}};
}

std::map<std::string, PukAnswer> puk_memory_from_json(const nlohmann::json& json) {
  if (!json.is_object() || json.value("format", "") != kFormat || !json.contains("tokens") ||
      !json["tokens"].is_object())
    throw std::runtime_error("not an eportd PUK counter file");
  std::map<std::string, PukAnswer> answers;
  for (const auto& [token, entry] : json["tokens"].items()) {
    PukAnswer answer;
    const auto& left = entry.at("tries_left");
    if (!left.is_null()) answer.tries_left = left.get<int>();
    answer.blocked = entry.at("blocked").get<bool>();
    answer.time = entry.at("time").get<std::int64_t>();
    answers[token] = answer;
  }
  return answers;
}

nlohmann::json last_answer_pin_state(const PukAnswer& answer) {
  std::string state = "ok";  // a right PUK put the counter back to its maximum
  if (answer.blocked || (answer.tries_left && *answer.tries_left <= 0)) state = "blocked";
  else if (answer.tries_left && *answer.tries_left == 1) state = "final_try";
  else if (answer.tries_left) state = "low";  // a wrong PUK spent a try
  const auto when = std::chrono::system_clock::time_point(std::chrono::seconds(answer.time));
  return {{"state", state},
          {"tries_left", state == "blocked"  ? nlohmann::json(0)
                         : answer.tries_left ? nlohmann::json(*answer.tries_left)
                                             : nlohmann::json(nullptr)},
          {"max_tries", nullptr},
          {"is_default", nullptr},
          {"source", "last_answer"},
          {"as_of", events::format_utc(when)}};
}

PukMemory::PukMemory(std::string path) : path_(std::move(path)) {
  if (path_.empty()) return;
  std::ifstream in(path_);
  if (!in) return;  // nothing remembered yet
  std::stringstream text;
  text << in.rdbuf();
  try {
    answers_ = puk_memory_from_json(nlohmann::json::parse(text.str()));
  } catch (const std::exception& e) {
    spdlog::warn(
        "ignoring {} ({}): the PUK counters of cards without metadata are unknown until they "
        "answer a PUK again",
        path_, e.what());
  }
}

std::optional<PukAnswer> PukMemory::last(const std::string& token) const {
  std::lock_guard lock(mutex_);
  const auto it = answers_.find(token);
  if (it == answers_.end()) return std::nullopt;
  return it->second;
}

void PukMemory::remember(const std::string& token, const PukAnswer& answer) {
  std::lock_guard lock(mutex_);
  answers_[token] = answer;
  save_locked();
}

void PukMemory::save_locked() const {
  if (path_.empty()) return;
  std::string error;
  if (!write_atomically(path_, puk_memory_json(answers_).dump(2) + "\n", error))
    spdlog::error("{}; the last PUK counters are kept in memory only", error);
}

}  // namespace eport::cardops
