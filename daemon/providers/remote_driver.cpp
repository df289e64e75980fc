#include "providers/remote_driver.hpp"

#include <algorithm>
#include <cstring>

#include <spdlog/spdlog.h>

namespace eport::providers {

namespace {

using wire::Op;

// The Driver's context: the helper and the names the ops table points at.
struct RemoteContext {
  std::unique_ptr<ProviderProcess> process;
  std::string name;
  std::string version;
};

// A token open in the helper run `epoch` under its number `ref`.
struct RemoteToken {
  ProviderProcess* process;
  std::uint64_t epoch;
  std::uint64_t ref;
};

RemoteContext* context_of(eport_driver* d) { return reinterpret_cast<RemoteContext*>(d); }
RemoteToken* token_of(eport_token* t) { return reinterpret_cast<RemoteToken*>(t); }

template <std::size_t N>
void put_text(char (&out)[N], const std::string& text) {
  const std::size_t n = std::min(text.size(), N - 1);
  std::memcpy(out, text.data(), n);
  out[n] = '\0';
}

std::int32_t tri(const std::optional<bool>& v) { return v ? (*v ? 1 : 0) : -1; }
std::int32_t count(const std::optional<int>& v) { return v ? *v : -1; }

std::uint32_t source_code(const std::string& name) {
  if (name == "verify-status") return EPORT_SOURCE_VERIFY_STATUS;
  if (name == "metadata") return EPORT_SOURCE_METADATA;
  if (name == "pkcs11-flags") return EPORT_SOURCE_PKCS11_FLAGS;
  if (name == "skf") return EPORT_SOURCE_SKF;
  if (name == "config") return EPORT_SOURCE_CONFIG;
  return EPORT_SOURCE_NONE;
}

// The host allocated these out-structs (full size), so every member may be written.
void fill(eport_token_info* out, const drivers::TokenIdentity& v) {
  put_text(out->serial, v.serial);
  put_text(out->label, v.label);
  put_text(out->model, v.model);
  put_text(out->manufacturer, v.manufacturer);
  put_text(out->id, v.id);
  put_text(out->kind, v.kind);
  put_text(out->reader, v.reader);
}

void fill(eport_pin_info* out, const drivers::PinInfo& v) {
  out->tries_left = count(v.tries_left);
  out->max_tries = count(v.max_tries);
  out->is_default = tri(v.is_default);
  out->blocked = tri(v.blocked);
  out->source = source_code(v.source);
  out->max_source = source_code(v.max_source);
  out->min_length = count(v.min_length);
  out->max_length = count(v.max_length);
  out->state = v.state == "ok"          ? EPORT_PIN_STATE_OK
               : v.state == "low"       ? EPORT_PIN_STATE_LOW
               : v.state == "final_try" ? EPORT_PIN_STATE_FINAL_TRY
               : v.state == "blocked"   ? EPORT_PIN_STATE_BLOCKED
                                        : -1;
}

void fill(eport_slot_info* out, const drivers::SlotInfo& v) {
  if (v.slot.size() < sizeof out->slot) put_text(out->slot, v.slot);
  put_text(out->slot_id, v.slot);
  put_text(out->label, v.label);
  out->has_certificate = tri(v.has_certificate);
  out->has_key = tri(v.has_key);
}

Answer token_call(eport_token* t, Op op, const std::function<void(wire::Writer&)>& args = nullptr) {
  RemoteToken* token = token_of(t);
  return token->process->call(op, token->epoch, token->ref, args, kCallBudget);
}

// Copies `bytes` into a caller buffer with the ABI's BUFFER_TOO_SMALL rule.
std::int32_t give_bytes(const Answer& a, std::uint8_t* out, std::size_t* len) {
  if (a.status != EPORT_OK) return a.status;
  wire::Reader r(a.payload);
  const auto bytes = r.bytes();
  if (r.bad()) return EPORT_ERR_INTERNAL;
  if (bytes.size() > *len) {
    *len = bytes.size();
    return EPORT_ERR_BUFFER_TOO_SMALL;
  }
  if (!bytes.empty()) std::memcpy(out, bytes.data(), bytes.size());
  *len = bytes.size();
  return EPORT_OK;
}

std::int32_t give_pin(const Answer& a, eport_pin_info* out) {
  if (a.payload.empty()) return a.status;
  wire::Reader r(a.payload);
  const auto info = wire::get_pin_info(r);
  if (!r.bad()) fill(out, info);
  return a.status;
}

std::int32_t r_init(const eport_host*, eport_driver**) { return EPORT_ERR_INTERNAL; }  // adopted, never run

void r_shutdown(eport_driver* d) {
  RemoteContext* context = context_of(d);
  context->process->stop();
  delete context;
}

void r_close_token(eport_token* t) {
  RemoteToken* token = token_of(t);
  token->process->close_token(token->epoch, token->ref);
  delete token;
}

std::int32_t r_enumerate(eport_driver* d, eport_token_info* infos, std::size_t* count_inout) {
  ProviderProcess* process = context_of(d)->process.get();
  const Answer a = process->call(Op::enumerate, 0, 0, nullptr, process->list_timeout());
  if (a.status != EPORT_OK) return a.status;
  wire::Reader r(a.payload);
  const std::uint32_t n = r.u32();
  std::vector<drivers::TokenIdentity> listed;
  for (std::uint32_t i = 0; i < n && !r.bad(); ++i) listed.push_back(wire::get_identity(r));
  if (r.bad()) return EPORT_ERR_INTERNAL;
  if (listed.size() > *count_inout) {
    *count_inout = listed.size();
    return EPORT_ERR_BUFFER_TOO_SMALL;
  }
  for (std::size_t i = 0; i < listed.size(); ++i) fill(EPORT_ELEMENT(eport_token_info, infos, i), listed[i]);
  *count_inout = listed.size();
  return EPORT_OK;
}

std::int32_t r_open(eport_driver* d, const char* key, eport_token** out) {
  ProviderProcess* process = context_of(d)->process.get();
  const Answer a = process->call(
      Op::open, 0, 0, [&](wire::Writer& w) { w.str(key); }, kCallBudget);
  if (a.status != EPORT_OK) return a.status;
  wire::Reader r(a.payload);
  const std::uint64_t ref = r.u64();
  if (r.bad() || ref == 0) return EPORT_ERR_INTERNAL;
  *out = reinterpret_cast<eport_token*>(new RemoteToken{process, a.epoch, ref});
  return EPORT_OK;
}

std::int32_t r_wait_change(eport_driver* d, std::uint32_t timeout_ms) {
  const auto budget = std::chrono::milliseconds(timeout_ms) + kGrace;
  return context_of(d)
      ->process
      ->call(
          Op::wait_change, 0, 0, [&](wire::Writer& w) { w.u32(timeout_ms); }, budget)
      .status;
}

std::int32_t r_identify(eport_token* t, eport_channel*, eport_token_info* out) {
  const Answer a = token_call(t, Op::identify);
  if (a.status != EPORT_OK) return a.status;
  wire::Reader r(a.payload);
  const auto identity = wire::get_identity(r);
  if (r.bad()) return EPORT_ERR_INTERNAL;
  fill(out, identity);
  return EPORT_OK;
}

std::int32_t r_pin_status(eport_token* t, eport_channel*, std::uint32_t which, eport_pin_info* out) {
  return give_pin(token_call(t, Op::pin_status, [&](wire::Writer& w) { w.u32(which); }), out);
}

std::int32_t r_pin_reset(eport_token* t, eport_channel*, const char* puk, std::size_t puk_len,
                         const char* pin, std::size_t pin_len, eport_pin_info* out) {
  return give_pin(
      token_call(t, Op::pin_reset, [&](wire::Writer& w) { w.str(puk, puk_len).str(pin, pin_len); }), out);
}

std::int32_t r_pin_change(eport_token* t, eport_channel*, std::uint32_t which, const char* old_pin,
                          std::size_t old_len, const char* new_pin, std::size_t new_len,
                          eport_pin_info* out) {
  return give_pin(
      token_call(t, Op::pin_change,
                 [&](wire::Writer& w) { w.u32(which).str(old_pin, old_len).str(new_pin, new_len); }),
      out);
}

std::int32_t r_pin_verify(eport_token* t, eport_channel*, std::uint32_t which, const char* pin,
                          std::size_t pin_len, eport_pin_info* out) {
  return give_pin(token_call(t, Op::pin_verify, [&](wire::Writer& w) { w.u32(which).str(pin, pin_len); }),
                  out);
}

std::int32_t r_cert_list(eport_token* t, eport_channel*, eport_slot_info* slots, std::size_t* count_inout) {
  const Answer a = token_call(t, Op::cert_list);
  if (a.status != EPORT_OK) return a.status;
  wire::Reader r(a.payload);
  const std::uint32_t n = r.u32();
  std::vector<drivers::SlotInfo> listed;
  for (std::uint32_t i = 0; i < n && !r.bad(); ++i) listed.push_back(wire::get_slot_info(r));
  if (r.bad()) return EPORT_ERR_INTERNAL;
  if (listed.size() > *count_inout) {
    *count_inout = listed.size();
    return EPORT_ERR_BUFFER_TOO_SMALL;
  }
  for (std::size_t i = 0; i < listed.size(); ++i) fill(EPORT_ELEMENT(eport_slot_info, slots, i), listed[i]);
  *count_inout = listed.size();
  return EPORT_OK;
}

std::int32_t r_cert_read(eport_token* t, eport_channel*, const char* slot, std::uint8_t* der,
                         std::size_t* len) {
  return give_bytes(token_call(t, Op::cert_read, [&](wire::Writer& w) { w.str(slot); }), der, len);
}

std::int32_t r_cert_write(eport_token* t, eport_channel*, const char* slot, const std::uint8_t* der,
                          std::size_t der_len, const std::uint8_t* key, std::size_t key_len) {
  return token_call(t, Op::cert_write,
                    [&](wire::Writer& w) {
                      w.str(slot).bytes(std::vector<std::uint8_t>(der, der + der_len));
                      w.str(reinterpret_cast<const char*>(key), key != nullptr ? key_len : 0);
                    })
      .status;
}

std::int32_t r_slot_public_key(eport_token* t, eport_channel*, const char* slot, std::uint8_t* spki,
                               std::size_t* len) {
  return give_bytes(token_call(t, Op::slot_public_key, [&](wire::Writer& w) { w.str(slot); }), spki, len);
}

eport_driver_ops remote_table(const RemoteContext& context, std::uint64_t capabilities) {
  eport_driver_ops ops;
  std::memset(&ops, 0, sizeof ops);
  ops.abi_major = EPORT_DRIVER_ABI_MAJOR;
  ops.abi_minor = EPORT_DRIVER_ABI_MINOR;
  ops.struct_size = sizeof ops;
  ops.name = context.name.c_str();
  ops.version = context.version.c_str();
  ops.kind = EPORT_KIND_TOKEN_PROVIDER;
  ops.capabilities = capabilities;
  ops.init = r_init;
  ops.shutdown = r_shutdown;
  ops.close_token = r_close_token;
  ops.enumerate = r_enumerate;
  ops.open_provider_token = r_open;
  ops.wait_change = r_wait_change;
  ops.identify = r_identify;
  ops.pin_status = r_pin_status;
  ops.pin_reset = r_pin_reset;
  ops.pin_change = r_pin_change;
  ops.cert_list = r_cert_list;
  ops.cert_read = r_cert_read;
  ops.cert_write = r_cert_write;
  ops.slot_public_key = r_slot_public_key;
  ops.pin_verify = r_pin_verify;  // called only when the helper's plug-in has EPORT_CAP_PIN_VERIFY
  return ops;
}

}  // namespace

ProviderHosts::ProviderHosts(std::string executable, std::string log_level,
                             std::shared_ptr<spdlog::logger> logger)
    : executable_(std::move(executable)),
      log_level_(std::move(log_level)),
      logger_(logger ? std::move(logger) : spdlog::default_logger()) {}

std::unique_ptr<drivers::Driver> ProviderHosts::host(const std::filesystem::path& plugin_dir,
                                                     const drivers::DriverSpec& spec, std::string& reason) {
  ProviderLaunch launch;
  launch.executable = executable_;
  launch.plugin_dir = plugin_dir;
  launch.spec = spec;
  launch.log_level = log_level_;
  launch.logger = logger_;
  launch.list_timeout = list_timeout_;
  auto context = std::make_unique<RemoteContext>();
  context->process = std::make_unique<ProviderProcess>(std::move(launch));
  drivers::DriverInfo info;
  std::string library;
  reason = context->process->start(info, library);
  if (!reason.empty()) return nullptr;
  context->name = info.name;
  context->version = info.version;
  ProviderProcess* process = context->process.get();
  const eport_driver_ops ops = remote_table(*context, info.capability_bits);
  auto driver = drivers::make_table_driver(ops, reinterpret_cast<eport_driver*>(context.release()),
                                           std::move(info), logger_);
  process->on_status(driver->status_sink());
  std::lock_guard<std::mutex> lock(mutex_);
  processes_[driver.get()] = process;
  return driver;
}

drivers::ProviderHostFn ProviderHosts::hook() {
  return [this](const std::filesystem::path& plugin_dir, const drivers::DriverSpec& spec,
                std::string& reason) { return host(plugin_dir, spec, reason); };
}

ProviderProcess* ProviderHosts::process_of(const drivers::Driver* driver) const {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto it = processes_.find(driver);
  return it == processes_.end() ? nullptr : it->second;
}

}  // namespace eport::providers
