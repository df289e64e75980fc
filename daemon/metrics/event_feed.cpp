#include "metrics/event_feed.hpp"

#include <cctype>

#include <spdlog/spdlog.h>

#include "eport/common/reasons.hpp"
#include "ipc/error_codes.hpp"

namespace eport::metrics {

namespace {

std::string text_of(const nlohmann::json& params, const char* key) {
  const auto it = params.find(key);
  return it != params.end() && it->is_string() ? it->get<std::string>() : std::string();
}

/// A token's id from a param that is either the id or a Token object.
std::string token_id(const nlohmann::json& params) {
  const auto it = params.find("token");
  if (it == params.end()) return {};
  if (it->is_string()) return it->get<std::string>();
  if (it->is_object()) return text_of(*it, "id");
  return {};
}

std::string standard_error_name(int code) {
  switch (code) {
    case ipc::kParseError: return "parse_error";
    case ipc::kInvalidRequest: return "invalid_request";
    case ipc::kMethodNotFound: return "method_not_found";
    case ipc::kInvalidParams: return "invalid_params";
    case ipc::kInternalError: return "internal_error";
    default: return "error";
  }
}

/// Keeps [a-z0-9_.] and at most 40 characters, so a reason can never be free text.
std::string bounded_reason(const std::string& reason) {
  std::string out;
  for (char c : reason) {
    const auto u = static_cast<unsigned char>(c);
    if (std::islower(u) || std::isdigit(u) || c == '_' || c == '.') out += c;
    if (out.size() == 40) break;
  }
  return out.empty() ? "error" : out;
}

}  // namespace

std::string outcome_reason(const nlohmann::json& response) {
  if (!response.is_object()) return "error";
  if (response.contains("result")) return "ok";
  const auto error = response.find("error");
  if (error == response.end() || !error->is_object()) return "error";
  const auto data = error->find("data");
  if (data != error->end() && data->is_object() && data->contains("reason") && (*data)["reason"].is_string())
    return bounded_reason((*data)["reason"].get<std::string>());
  const auto code = error->find("code");
  return standard_error_name(code != error->end() && code->is_number_integer() ? code->get<int>() : 0);
}

void EventFeed::on_event(const std::string& topic, const nlohmann::json& params) {
  // Called on the publisher's thread (a card worker, the watcher): a malformed fact must cost
  // the metrics that fact only, never the publisher.
  try {
    apply(topic, params);
  } catch (const std::exception& e) {
    spdlog::debug("metrics: {} not counted: {}", topic, e.what());
  }
}

void EventFeed::apply(const std::string& topic, const nlohmann::json& params) {
  if (topic == "reader.added") {
    const auto& reader = params.contains("reader") ? params["reader"] : nlohmann::json();
    model_.reader_added(reader.is_object() ? text_of(reader, "name") : text_of(params, "reader"));
  } else if (topic == "reader.removed") {
    model_.reader_removed(text_of(params, "reader"));
  } else if (topic == "token.added") {
    const auto& token = params.contains("token") ? params["token"] : nlohmann::json();
    if (token.is_object())
      model_.token_added(text_of(token, "id"), text_of(token, "driver"), text_of(token, "kind"));
  } else if (topic == "token.removed") {
    model_.token_removed(token_id(params));
  } else if (topic == "pin.changed") {
    if (auto pin = PinFigures::from_json(params.value("pin", nlohmann::json())))
      model_.pin_read(token_id(params), *pin);
  } else if (topic == "token.read") {
    on_token_read(params);
  } else if (topic == "cert.read" || topic == "cert.written") {
    if (auto facts = CertificateFacts::from_json(params.value("certificate", nlohmann::json())))
      model_.certificate_seen(token_id(params), *facts);
  } else if (topic == "pcsc.state") {
    if (params.contains("up") && params["up"].is_boolean()) model_.set_pcsc(params["up"].get<bool>());
  }
}

void EventFeed::on_token_read(const nlohmann::json& params) {
  const auto id = token_id(params);
  if (params.contains("pin"))
    if (auto pin = PinFigures::from_json(params["pin"])) model_.pin_read(id, *pin);
  if (params.contains("puk")) model_.puk_read(id, PinFigures::from_json(params["puk"]));  // null: no PUK
  const auto certificates = params.find("certificates");
  if (certificates == params.end() || !certificates->is_array()) return;
  std::vector<CertificateFacts> facts;
  for (const auto& certificate : *certificates)
    if (auto one = CertificateFacts::from_json(certificate)) facts.push_back(std::move(*one));
  model_.certificates_read(id, facts);
}

void EventFeed::on_dropped(std::uint64_t count) { model_.count_dropped(count); }

void EventFeed::on_answer(const std::string& method, const nlohmann::json& response) {
  try {
    const auto reason = outcome_reason(response);
    model_.count_call(method, reason);
    if (reason == reasons::not_authorized) model_.count_refusal(method);
  } catch (const std::exception& e) {
    spdlog::debug("metrics: a {} answer not counted: {}", method, e.what());
  }
}

}  // namespace eport::metrics
