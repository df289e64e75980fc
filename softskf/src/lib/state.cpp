#include <eport/softskf/state.hpp>

#include <fcntl.h>
#include <linux/fs.h>  // RENAME_EXCHANGE
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <nlohmann/json.hpp>

#include "encoding.hpp"

namespace eport::softskf {

namespace {

using nlohmann::json;

constexpr const char* kFormat = "eport-softskf-state";
constexpr int kFormatVersion = 1;

json pin_json(const Pin& pin) {
  return {{"hash", to_hex(pin.hash)},
          {"default_hash", to_hex(pin.default_hash)},
          {"max_tries", pin.max_tries},
          {"remaining", pin.remaining}};
}

Pin pin_from(const json& j) {
  Pin pin;
  pin.hash = from_hex(j.at("hash").get<std::string>());
  pin.default_hash = from_hex(j.at("default_hash").get<std::string>());
  pin.max_tries = j.at("max_tries").get<int>();
  pin.remaining = j.at("remaining").get<int>();
  if (pin.max_tries < 1 || pin.max_tries > 255 || pin.remaining < 0 || pin.remaining > pin.max_tries)
    throw std::runtime_error("PIN counters out of range");
  return pin;
}

json slot_json(const KeySlot& slot) {
  return {{"private_key", to_base64(slot.private_key)}, {"certificate", to_base64(slot.certificate)}};
}

KeySlot slot_from(const json& j) {
  return {from_base64(j.at("private_key").get<std::string>()),
          from_base64(j.at("certificate").get<std::string>())};
}

KeyType type_from(const std::string& name) {
  if (name == "empty") return KeyType::empty;
  if (name == "rsa") return KeyType::rsa;
  if (name == "ecc") return KeyType::ecc;
  throw std::runtime_error("unknown container type '" + name + "'");
}

[[noreturn]] void fail_errno(const std::string& what, const std::string& path) {
  throw std::runtime_error(what + " " + path + ": " + std::strerror(errno));
}

void write_all(int fd, const std::string& text, const std::string& path) {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail_errno("cannot write", path);
    done += static_cast<std::size_t>(n);
  }
}

std::string directory_of(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash + 1);
}

// The temporary file is a dot file: the device directory ignores dot files, so a half-written
// state never looks like a plugged-in key.
std::string temp_path(const std::string& path) {
  const auto slash = path.rfind('/');
  const std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  return directory_of(path) + "." + name + ".tmp." + std::to_string(::getpid());
}

std::string write_temp(const std::string& path, const DeviceState& state) {
  const std::string text = state_to_json(state);
  const std::string tmp = temp_path(path);
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) fail_errno("cannot create", tmp);
  try {
    if (::fchmod(fd, 0600) != 0) fail_errno("cannot chmod", tmp);
    write_all(fd, text, tmp);
    if (::fsync(fd) != 0) fail_errno("cannot fsync", tmp);
  } catch (...) {
    ::close(fd);
    ::unlink(tmp.c_str());
    throw;
  }
  ::close(fd);
  return tmp;
}

void sync_directory(const std::string& path) {
  const int dfd = ::open(directory_of(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

}  // namespace

std::string key_type_name(KeyType type) {
  switch (type) {
    case KeyType::rsa: return "rsa";
    case KeyType::ecc: return "ecc";
    case KeyType::empty: break;
  }
  return "empty";
}

Bytes pin_hash(const Bytes& salt, const std::string& pin) {
  Bytes input(salt);
  input.insert(input.end(), pin.begin(), pin.end());
  Bytes digest(32);
  unsigned int len = 0;
  EVP_Digest(input.data(), input.size(), digest.data(), &len, EVP_sha256(), nullptr);
  OPENSSL_cleanse(input.data(), input.size());
  digest.resize(len);
  return digest;
}

bool same_hash(const Bytes& a, const Bytes& b) {
  return a.size() == b.size() && !a.empty() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string state_to_json(const DeviceState& s) {
  json apps = json::array();
  for (const auto& app : s.applications) {
    json containers = json::array();
    for (const auto& c : app.containers)
      containers.push_back({{"name", c.name},
                            {"type", key_type_name(c.type)},
                            {"sign", slot_json(c.sign)},
                            {"enc", slot_json(c.enc)}});
    apps.push_back({{"name", app.name},
                    {"user_pin", pin_json(app.user_pin)},
                    {"admin_pin", pin_json(app.admin_pin)},
                    {"containers", containers},
                    {"logged_in", app.logged_in}});
  }
  json j{{"format", kFormat},
         {"version", kFormatVersion},
         {"serial", s.serial},
         {"label", s.label},
         {"manufacturer", s.manufacturer},
         {"issuer", s.issuer},
         {"hw_version", {s.hw_major, s.hw_minor}},
         {"firmware_version", {s.fw_major, s.fw_minor}},
         {"salt", to_hex(s.salt)},
         {"applications", apps}};
  if (s.pull_at)
    j["pull_at"] = {
        {"function", s.pull_at->function}, {"after", s.pull_at->after}, {"skip", s.pull_at->skip}};
  return j.dump(2) + "\n";
}

DeviceState state_from_json(const std::string& text) {
  try {
    const json j = json::parse(text);
    if (j.at("format").get<std::string>() != kFormat || j.at("version").get<int>() != kFormatVersion)
      throw std::runtime_error("not an eport-softskf state (format/version)");
    DeviceState s;
    s.serial = j.at("serial").get<std::string>();
    s.label = j.at("label").get<std::string>();
    s.manufacturer = j.at("manufacturer").get<std::string>();
    s.issuer = j.at("issuer").get<std::string>();
    s.hw_major = j.at("hw_version").at(0).get<std::uint8_t>();
    s.hw_minor = j.at("hw_version").at(1).get<std::uint8_t>();
    s.fw_major = j.at("firmware_version").at(0).get<std::uint8_t>();
    s.fw_minor = j.at("firmware_version").at(1).get<std::uint8_t>();
    s.salt = from_hex(j.at("salt").get<std::string>());
    for (const auto& a : j.at("applications")) {
      Application app;
      app.name = a.at("name").get<std::string>();
      app.user_pin = pin_from(a.at("user_pin"));
      app.admin_pin = pin_from(a.at("admin_pin"));
      for (const auto& c : a.at("containers"))
        app.containers.push_back({c.at("name").get<std::string>(), type_from(c.at("type").get<std::string>()),
                                  slot_from(c.at("sign")), slot_from(c.at("enc"))});
      app.logged_in = a.value("logged_in", "");
      s.applications.push_back(std::move(app));
    }
    if (j.contains("pull_at")) {
      const auto& p = j.at("pull_at");
      s.pull_at =
          PullAt{p.at("function").get<std::string>(), p.at("after").get<bool>(), p.at("skip").get<int>()};
    }
    return s;
  } catch (const json::exception& e) {
    throw std::runtime_error(std::string("invalid state: ") + e.what());
  }
}

DeviceState load_state(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail_errno("cannot read", path);
  std::stringstream text;
  text << in.rdbuf();
  try {
    return state_from_json(text.str());
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(path + ": " + e.what());
  }
}

void save_state(const std::string& path, const DeviceState& state) {
  const std::string tmp = write_temp(path, state);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int saved = errno;
    ::unlink(tmp.c_str());
    errno = saved;
    fail_errno("cannot replace", path);
  }
  sync_directory(path);
}

bool replace_state(const std::string& path, const DeviceState& state) {
  const std::string tmp = write_temp(path, state);
  // RENAME_EXCHANGE swaps atomically and fails with ENOENT when `path` is gone, so a pulled
  // key is never brought back by a late save. Filesystems without it get a checked rename.
  if (::syscall(SYS_renameat2, AT_FDCWD, tmp.c_str(), AT_FDCWD, path.c_str(), RENAME_EXCHANGE) == 0) {
    ::unlink(tmp.c_str());  // now holds the previous state
    sync_directory(path);
    return true;
  }
  const int saved = errno;
  if (saved == ENOENT) {
    ::unlink(tmp.c_str());
    return false;
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    ::unlink(tmp.c_str());
    return false;
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int rename_errno = errno;
    ::unlink(tmp.c_str());
    errno = rename_errno;
    fail_errno("cannot replace", path);
  }
  sync_directory(path);
  return true;
}

}  // namespace eport::softskf
