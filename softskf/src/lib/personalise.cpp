#include <eport/softskf/personalise.hpp>

#include <algorithm>
#include <sstream>
#include <stdexcept>

#include <openssl/rand.h>
#include <eport/softskf/crypto.hpp>

namespace eport::softskf {

namespace {

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::string current;
  for (char c : text) {
    if (c == separator) {
      parts.push_back(current);
      current.clear();
    } else {
      current += c;
    }
  }
  parts.push_back(current);
  return parts;
}

// Names: printable ASCII without spaces or '/'; with `utf8` also UTF-8 bytes (Chinese container
// names are common on real keys).
void check_name(const std::string& what, const std::string& name, std::size_t max, bool utf8 = false) {
  if (name.empty() || name.size() > max)
    throw std::invalid_argument(what + " must be 1 to " + std::to_string(max) + " bytes");
  for (unsigned char c : name)
    if (c < 0x21 || c == 0x7F || c == '/' || (c > 0x7F && !utf8))
      throw std::invalid_argument(what + " '" + name + "': printable characters without spaces or '/' only");
}

void check_pin(const std::string& what, const std::string& pin) {
  if (pin.size() < kMinPinLength || pin.size() > kMaxPinLength)
    throw std::invalid_argument(what + ": " + std::to_string(kMinPinLength) + " to " +
                                std::to_string(kMaxPinLength) + " characters");
}

Pin make_pin(const Bytes& salt, const std::string& value, int tries, const std::string& what) {
  if (tries < 1 || tries > 15) throw std::invalid_argument(what + ": 1 to 15 tries");
  Pin pin;
  pin.hash = pin.default_hash = pin_hash(salt, value);
  pin.max_tries = pin.remaining = tries;
  return pin;
}

Container& container_for(Application& app, const CertificateRequest& request) {
  auto it = std::find_if(app.containers.begin(), app.containers.end(),
                         [&](const Container& c) { return c.name == request.container; });
  if (it == app.containers.end()) {
    app.containers.push_back({request.container, request.type, {}, {}});
    return app.containers.back();
  }
  if (it->type != request.type)
    throw std::invalid_argument("--cert: container " + request.container + " already holds " +
                                key_type_name(it->type) + " keys (one algorithm per container)");
  return *it;
}

}  // namespace

CertificateRequest parse_certificate_request(const std::string& text) {
  const auto parts = split(text, ':');
  const std::string usage = "--cert " + text + ": expected CONTAINER:sign|enc:sm2|rsa2048:DAYS";
  if (parts.size() != 4) throw std::invalid_argument(usage);
  CertificateRequest request;
  request.container = parts[0];
  check_name("container name", request.container, 64, true);
  if (parts[1] == "sign") request.signing = true;
  else if (parts[1] == "enc") request.signing = false;
  else throw std::invalid_argument(usage + " (usage '" + parts[1] + "')");
  if (parts[2] == "sm2") request.type = KeyType::ecc;
  else if (parts[2] == "rsa2048") request.type = KeyType::rsa, request.rsa_bits = 2048;
  else if (parts[2] == "rsa1024") request.type = KeyType::rsa, request.rsa_bits = 1024;
  else throw std::invalid_argument(usage + " (algorithm '" + parts[2] + "')");
  std::size_t used = 0;
  try {
    request.days = std::stoi(parts[3], &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != parts[3].size() || request.days == 0)
    throw std::invalid_argument(usage + " (DAYS must be a non-zero integer)");
  return request;
}

DeviceState personalise(const InitOptions& options, std::time_t now) {
  check_name("serial", options.serial, 31);
  check_pin("user PIN", options.user_pin);
  check_pin("admin PIN", options.admin_pin);
  check_name("application name", options.application, 32);
  DeviceState state;
  state.serial = options.serial;
  state.label = options.label.empty() ? "eport soft SKF " + options.serial : options.label;
  if (state.label.size() > 31) throw std::invalid_argument("label: at most 31 characters");
  state.salt.resize(16);
  if (RAND_bytes(state.salt.data(), static_cast<int>(state.salt.size())) != 1)
    throw std::runtime_error("no random salt");
  Application app;
  app.name = options.application;
  app.user_pin = make_pin(state.salt, options.user_pin, options.user_tries, "user PIN tries");
  app.admin_pin = make_pin(state.salt, options.admin_pin, options.admin_tries, "admin PIN tries");
  for (const auto& request : options.certificates) {
    Container& container = container_for(app, request);
    KeySlot& slot = request.signing ? container.sign : container.enc;
    slot.private_key = generate_private_key(request.type, request.rsa_bits);
    CertificateSpec spec;
    spec.subject = options.subject.empty() ? "/CN=eport softskf " + options.serial + " " + request.container
                                           : options.subject;
    spec.days = request.days;
    spec.signing = request.signing;
    spec.now = now;
    slot.certificate = make_certificate(slot.private_key, spec);
  }
  state.applications.push_back(std::move(app));
  return state;
}

std::string device_file(const std::string& dir, const std::string& serial) {
  return (dir.empty() ? std::string(".") : dir) + "/" + serial + ".json";
}

std::string describe_state(const DeviceState& s) {
  std::ostringstream out;
  out << "serial " << s.serial << "\nlabel " << s.label << "\nmanufacturer " << s.manufacturer
      << "\nfirmware " << int(s.fw_major) << "." << int(s.fw_minor) << "\n";
  auto pin_line = [&](const char* name, const Pin& pin) {
    out << "  " << name << ": " << pin.remaining << " of " << pin.max_tries << " tries left"
        << (pin.remaining == 0 ? ", LOCKED" : "")
        << (same_hash(pin.hash, pin.default_hash) ? ", default" : ", changed") << "\n";
  };
  for (const auto& app : s.applications) {
    out << "application " << app.name << "\n";
    pin_line("user PIN", app.user_pin);
    pin_line("admin PIN", app.admin_pin);
    out << "  logged in: " << (app.logged_in.empty() ? "nobody" : app.logged_in) << "\n";
    for (const auto& c : app.containers) {
      out << "  container " << c.name << " (" << key_type_name(c.type) << ")\n";
      for (const auto* half : {&c.sign, &c.enc}) {
        out << "    " << (half == &c.sign ? "sign" : "enc ") << ": "
            << (half->private_key.empty() ? "no key" : "key") << "; "
            << (half->certificate.empty() ? "no certificate" : describe_certificate(half->certificate))
            << "\n";
      }
    }
  }
  if (s.pull_at)
    out << "pull armed: at " << s.pull_at->function << (s.pull_at->after ? " (after)" : " (before)")
        << ", skip " << s.pull_at->skip << "\n";
  return out.str();
}

}  // namespace eport::softskf
