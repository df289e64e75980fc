#include "cardops/card_reading.hpp"

#include <algorithm>
#include <chrono>

#include <eport/driver.h>

namespace eport::cardops {

namespace {

bool can(devices::TokenSession& session, std::uint64_t capability) {
  return session.driver().supports(capability);
}

Failure driver_failure(devices::TokenSession& session, drivers::Status status, const std::string& detail) {
  return from_driver(status, detail, session.driver().info().name, Operation::read);
}

}  // namespace

std::optional<Failure> read_pins(devices::TokenSession& session, CardReading& out) {
  if (!can(session, EPORT_CAP_PIN_STATUS)) return std::nullopt;
  auto& driver = session.driver();
  // UNSUPPORTED / NOT_FOUND: the token cannot report this PIN; it shows as unknown (driver.h).
  auto pin = driver.pin_status(session.handle(), session.channel(), drivers::PinKind::User);
  if (pin) out.pin = pin.value;
  else if (pin.status != drivers::Status::Unsupported && pin.status != drivers::Status::NotFound)
    return driver_failure(session, pin.status, pin.detail);
  auto puk = driver.pin_status(session.handle(), session.channel(), drivers::PinKind::Puk);
  if (puk) out.puk = puk.value;
  else if (puk.status != drivers::Status::Unsupported && puk.status != drivers::Status::NotFound)
    return driver_failure(session, puk.status, puk.detail);
  return std::nullopt;
}

std::optional<Failure> read_certificates(devices::TokenSession& session, CardReading& out) {
  auto& driver = session.driver();
  auto& token = session.handle();
  auto& channel = session.channel();
  if (!can(session, EPORT_CAP_CERT_LIST) || !can(session, EPORT_CAP_CERT_READ)) return std::nullopt;
  auto slots = driver.cert_list(token, channel);
  if (!slots) return driver_failure(session, slots.status, slots.detail);
  out.slots = slots.value;
  for (const auto& slot : slots.value) {
    if (slot.has_certificate && !*slot.has_certificate) continue;
    auto der = driver.cert_read(token, channel, slot.slot);
    if (der.status == drivers::Status::NotFound) continue;
    if (!der) return driver_failure(session, der.status, der.detail);
    out.certificates.push_back({slot, std::move(der.value)});
  }
  return std::nullopt;
}

CardResult<CardReading> read_card(devices::TokenSession& session, bool with_pins) {
  CardReading out;
  if (with_pins)
    if (auto failure = read_pins(session, out)) return unexpected(std::move(*failure));
  if (auto failure = read_certificates(session, out)) return unexpected(std::move(*failure));
  return out;
}

CertificateReport summarise_certificates(const CardReading& reading, std::int64_t now_unix,
                                         const std::vector<int>& warn_days, x509::SummaryMemo& memo) {
  CertificateReport report;
  for (const auto& entry : reading.certificates) {
    auto summary = memo.summarise(entry.der, now_unix, warn_days);
    if (!summary) {
      report.unreadable.push_back({{"slot", entry.slot.slot},
                                   {"label", entry.slot.label},
                                   {"error",
                                    "the slot holds data that is not a complete "
                                    "certificate: " +
                                        summary.error().message}});
      continue;
    }
    summary->slot = entry.slot.slot;
    summary->label = entry.slot.label;
    report.summaries.push_back(std::move(*summary));
  }
  return report;
}

nlohmann::json certificates_json(const CertificateReport& report) {
  auto list = nlohmann::json::array();
  for (const auto& summary : report.summaries) list.push_back(summary.to_json());
  return list;
}

std::string worst_state(const std::vector<const CertificateReport*>& reports) {
  int worst = 0;  // 0 none, 1 valid, 2 expiring, 3 expired
  for (const auto* report : reports) {
    if (!report->unreadable.empty()) worst = std::max(worst, 2);
    for (const auto& summary : report->summaries) {
      switch (summary.state) {
        case x509::ExpiryState::valid: worst = std::max(worst, 1); break;
        case x509::ExpiryState::expiring:
        case x509::ExpiryState::not_yet_valid: worst = std::max(worst, 2); break;
        case x509::ExpiryState::expired: worst = 3; break;
      }
    }
  }
  static const char* const names[] = {"none", "valid", "expiring", "expired"};
  return names[worst];
}

}  // namespace eport::cardops
