#include "format.hpp"

#include "health.hpp"

#include <vector>

namespace eport::client {

using nlohmann::json;

namespace {

std::string str(const json& j, const char* key, const std::string& dflt = "") {
  if (!j.is_object() || !j.contains(key) || j[key].is_null()) return dflt;
  if (j[key].is_string() && j[key].get_ref<const std::string&>().empty()) return dflt;  // a USBKey: no reader
  return j[key].is_string() ? j[key].get<std::string>() : j[key].dump();
}

std::string tries_text(Lang lang, const json& pin) {
  bool known = pin.contains("tries_left") && pin["tries_left"].is_number();
  if (!known) return "";
  std::string left = std::to_string(pin["tries_left"].get<int>());
  if (pin.contains("max_tries") && pin["max_tries"].is_number())
    return trf(lang, "pin.tries_of", {{"left", left}, {"max", std::to_string(pin["max_tries"].get<int>())}});
  return trf(lang, "pin.tries", {{"left", left}});
}

}  // namespace

Level pin_level(const json& pin) {
  std::string state = str(pin, "state", "unknown");
  if (state == "ok") return Level::ok;
  if (state == "low" || state == "final_try") return Level::warn;
  if (state == "blocked") return Level::bad;
  return Level::info;
}

std::string pin_text(Lang lang, const json& pin, bool is_puk) {
  if (!pin.is_object()) return tr(lang, "pin.state.none");
  std::string state = str(pin, "state", "unknown");
  std::string text = tr(lang, ("pin.state." + state).c_str());
  std::string tries = tries_text(lang, pin);
  if (!tries.empty()) text += tr(lang, "list.sep") + tries;
  if (pin.contains("is_default") && pin["is_default"] == true)
    text += tr(lang, "list.sep") + tr(lang, is_puk ? "puk.default" : "pin.default");
  return text;
}

/// The second PIN's name as the token family calls it: an SKF USBKey's admin PIN, a PKCS#11
/// token's SO PIN, else the PUK (from the answer's `source`).
const char* puk_label(const json& puk) {
  const std::string source = str(puk, "source");
  if (source == "skf") return "status.admin_pin";
  if (source.rfind("pkcs11", 0) == 0) return "status.so_pin";
  return "status.puk";
}

Level cert_level(const std::string& state) {
  if (state == "valid") return Level::ok;
  if (state == "expiring") return Level::warn;
  return Level::bad;
}

std::string date_only(const std::string& iso) { return iso.size() >= 10 ? iso.substr(0, 10) : iso; }

std::string cert_text(Lang lang, const json& cert) {
  const std::string state = cert_state(cert);
  long days = cert.contains("days_left") && cert["days_left"].is_number() ? cert["days_left"].get<long>() : 0;
  std::map<std::string, std::string> v{{"slot", str(cert, "slot")},
                                       {"label", str(cert, "label")},
                                       {"subject", str(cert, "subject")},
                                       {"date", date_only(str(cert, "not_after"))},
                                       {"from", date_only(str(cert, "not_before"))},
                                       {"days", std::to_string(days)},
                                       {"ago", std::to_string(-days)}};
  std::string when = state == "expired"         ? trf(lang, "cert.expired_on", v)
                     : state == "not_yet_valid" ? trf(lang, "cert.valid_from", v)
                                                : trf(lang, "cert.expires_on", v);
  return trf(lang, "cert.line", v) + tr(lang, "list.sep") + when;
}

std::string render_status(Lang lang, const Style& style, const json& status) {
  const json token = status.value("token", json::object());
  const std::string reader = str(token, "reader");  // "" for a USBKey served by a library
  std::map<std::string, std::string> v{{"id", str(token, "id")},
                                       {"reader", reader.empty() ? "-" : reader},
                                       {"label", str(token, "label")},
                                       {"model", str(token, "model")},
                                       {"serial", str(token, "serial")}};
  std::string out = style.bold(trf(lang, "status.card", v)) + "\n";
  if (str(token, "state") == "error")
    out += "  " + style.mark(Level::bad) + " " +
           trf(lang, "status.token_error", {{"error", str(token, "error")}}) + "\n";
  const json pin = status.value("pin", json());
  out += "  " + style.mark(pin_level(pin)) + " " + tr(lang, "status.pin") + pin_text(lang, pin) + "\n";
  const json puk = status.value("puk", json());
  if (puk.is_object())
    out +=
        "  " + style.mark(pin_level(puk)) + " " + tr(lang, puk_label(puk)) + pin_text(lang, puk, true) + "\n";
  // A PIN-only view (unlock, change-pin) has no "certificates": it says nothing about them.
  const json certs = status.value("certificates", json::array());
  if (status.contains("certificates") && (!certs.is_array() || certs.empty()))
    out += "  " + style.mark(Level::info) + " " + tr(lang, "status.no_certs") + "\n";
  for (const auto& c : certs)
    out += "  " + style.mark(cert_level(cert_state(c))) + " " + cert_text(lang, c) + "\n";
  return out;
}

std::string render_readers(Lang lang, const json& readers) {
  std::vector<std::vector<std::string>> rows{
      {tr(lang, "col.reader"), tr(lang, "col.card"), tr(lang, "col.token"), tr(lang, "col.atr")}};
  for (const auto& r : readers)
    rows.push_back({str(r, "name"),
                    r.value("card_present", false) ? tr(lang, "word.yes") : tr(lang, "word.no"),
                    str(r, "token", "-"), str(r, "atr", "-")});
  return render_table(rows);
}

std::string render_tokens(Lang lang, const json& tokens) {
  std::vector<std::vector<std::string>> rows{{tr(lang, "col.token"), tr(lang, "col.kind"),
                                              tr(lang, "col.driver"), tr(lang, "col.reader"),
                                              tr(lang, "col.label"), tr(lang, "col.state")}};
  for (const auto& t : tokens)
    rows.push_back({str(t, "id"), str(t, "kind"), str(t, "driver"), str(t, "reader", "-"),
                    str(t, "label", "-"),
                    str(t, "state") == "error" ? str(t, "state") + ": " + str(t, "error") : str(t, "state")});
  return render_table(rows);
}

std::string render_event(Lang lang, const json& p) {
  std::string topic = str(p, "topic");
  std::string line = str(p, "time") + "  " + topic;
  auto tok = p.value("token", json());
  if (!tok.is_null())
    line += "  " + (tok.is_object() ? str(tok, "id") + " (" + str(tok, "reader") + ")" : str(p, "token"));
  if (p.contains("reader") && !p["reader"].is_null())
    line += "  " + (p["reader"].is_object() ? str(p["reader"], "name") : str(p, "reader"));
  if (p.contains("pin") && p["pin"].is_object()) line += "  PIN: " + pin_text(lang, p["pin"]);
  if (p.contains("certificate") && p["certificate"].is_object())
    line += "  " + cert_text(lang, p["certificate"]);
  if (topic.rfind("usb.", 0) == 0)
    line += "  " + str(p, "name") + " [" + str(p, "vid") + ":" + str(p, "pid") + "] bus " + str(p, "bus") +
            " addr " + str(p, "address");
  if (p.contains("count")) line += "  " + trf(lang, "event.dropped", {{"count", str(p, "count")}});
  return line;
}

std::string render_audit_record(Lang lang, const json& r) {
  if (!r.is_object()) return r.dump();
  std::string who = r.contains("peer") && r["peer"].is_object() ? "uid " + str(r["peer"], "uid")
                                                                : "uid " + str(r, "uid", "?");
  if (r.contains("process") && !r["process"].is_null()) who += " (" + str(r, "process") + ")";
  else if (r.contains("peer") && r["peer"].is_object() && r["peer"].contains("process"))
    who += " (" + str(r["peer"], "process") + ")";
  std::string outcome = str(r, "outcome", str(r, "result", "-"));
  if (r.contains("reason") && !r["reason"].is_null()) outcome += " (" + str(r, "reason") + ")";
  return str(r, "time") + "  " + who + "  " + str(r, "method") + "  " + str(r, "token", "-") + "  " +
         trf(lang, "audit.outcome", {{"outcome", outcome}});
}

std::string render_cert_comparison(Lang lang, const Style& style, const json& old_cert,
                                   const json& new_cert) {
  static const char* fields[] = {"subject",   "issuer",    "key",    "not_before",
                                 "not_after", "days_left", "serial", "sha256"};
  std::vector<std::vector<std::string>> rows{{"", tr(lang, "renew.col.old"), tr(lang, "renew.col.new")}};
  for (const char* f : fields) {
    std::string o = old_cert.is_object() ? str(old_cert, f, "-") : "-";
    std::string n = str(new_cert, f, "-");
    if (std::string(f) == "sha256") {
      o = o.substr(0, 16);
      n = n.substr(0, 16);
    }
    std::string mark = o == n ? "  " : style.paint(Level::warn, "≠ ");
    if (!style.symbols) mark = o == n ? "  " : "* ";
    rows.push_back({mark + tr(lang, (std::string("field.") + f).c_str()), o, n});
  }
  return render_table(rows);
}

}  // namespace eport::client
