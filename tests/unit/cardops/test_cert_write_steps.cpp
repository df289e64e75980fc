// The steps of a guarded certificate write (cardops/cert_write_steps.hpp) against the real PIV
// driver (eport-piv.so, loaded as eportd loads it) and the real virtual card (eport::vcard::Card,
// in process).
//
// The one stand-in is the card channel: FaultyChannel forwards every APDU to the virtual card,
// and can instead swallow a PUT DATA (answer 9000 without passing it on), refuse one with a
// status word, or report the card gone. It stands in for a card only where the integration
// suites (tests/integration/cards/*, real pcscd + eport-vcard) cannot cheaply force a case: a
// card that acknowledges a write it did not keep, refuses the restore, or leaves mid-write.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <eport/vcard/card.hpp>
#include <eport/vcard/personalise.hpp>

#include "cardops/cert_write_steps.hpp"
#include "devices/token.hpp"
#include "devices/token_job.hpp"
#include "drivers/loader.hpp"
#include "eport/common/reasons.hpp"
#include "x509/certificate.hpp"

namespace {

namespace fs = std::filesystem;
using Bytes = std::vector<std::uint8_t>;
using eport::cardops::OldCertificate;
using eport::cardops::WriteRequest;
using eport::drivers::Status;

constexpr std::uint8_t kPutData = 0xDB;
constexpr std::uint32_t kObject9A = 0x5FC105;
constexpr std::uint32_t kObject9C = 0x5FC10A;
const Bytes kDefaultKey{1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8};

/// What the channel does with the next complete certificate write (all PUT DATA APDUs of it).
enum class OnWrite { pass, swallow, refuse, card_gone };

/// The virtual card behind a channel that can misbehave on PUT DATA (see the file comment).
class FaultyChannel final : public eport::drivers::CardChannel {
 public:
  explicit FaultyChannel(eport::vcard::CardState state) : card_(std::move(state)) {}

  /// What to do with the following writes, in order; afterwards they pass.
  std::vector<OnWrite> plan;
  /// PUT DATA APDUs the card itself received.
  int puts_received = 0;
  /// PUT DATA APDUs the driver sent.
  int puts_sent = 0;

  Status transmit(const Bytes& command, Bytes& response) override {
    if (command.size() < 2 || command[1] != kPutData) {
      response = card_.transmit(command);
      return Status::Ok;
    }
    ++puts_sent;
    const OnWrite action = plan.empty() ? OnWrite::pass : plan.front();
    // A write ends with its last chained APDU, or with the first one that fails.
    const bool write_ends =
        (command[0] & 0x10) == 0 || action == OnWrite::refuse || action == OnWrite::card_gone;
    if (write_ends && !plan.empty()) plan.erase(plan.begin());
    switch (action) {
      case OnWrite::pass: break;
      case OnWrite::swallow: response = {0x90, 0x00}; return Status::Ok;
      case OnWrite::refuse: response = {0x6A, 0x84}; return Status::Ok;  // not enough memory
      case OnWrite::card_gone: return Status::CardRemoved;
    }
    ++puts_received;
    response = card_.transmit(command);
    return Status::Ok;
  }

  /// The DER certificate the card holds for `object`, or empty.
  Bytes stored(std::uint32_t object) const {
    const auto& objects = card_.state().objects;
    const auto it = objects.find(object);
    if (it == objects.end()) return {};
    return eport::vcard::certificate_from_object(it->second).value_or(Bytes{});
  }

 private:
  eport::vcard::Card card_;
};

/// A card with P-256 keys and certificates in 9a and 9c (9d and the rest empty), opened by the
/// PIV driver, and a session on it as a token's worker would give one.
struct CardUnderTest {
  eport::drivers::LoadResult loaded;
  std::unique_ptr<FaultyChannel> channel;
  eport::drivers::TokenHandle handle;
  eport::devices::Token token;
  std::unique_ptr<eport::devices::TokenSession> session;
  fs::path state_dir;

  CardUnderTest() {
    loaded = eport::drivers::load_drivers(EPORT_PLUGIN_DIR, {{"piv", nlohmann::json::object()}},
                                          eport::drivers::LoadMode::Full);
    REQUIRE(loaded.drivers.size() == 1);
    eport::vcard::PersonaliseOptions options;
    options.serial = 123456;
    options.certificates.push_back(eport::vcard::parse_certificate_request("9a:p256:365"));
    options.certificates.push_back(eport::vcard::parse_certificate_request("9c:p256:365"));
    channel = std::make_unique<FaultyChannel>(eport::vcard::personalise(options, std::time(nullptr)));
    auto& driver = *loaded.drivers.front();
    REQUIRE(driver.match(*channel, eport::vcard::Card::atr()).value);
    auto opened = driver.open_token(*channel);
    REQUIRE(opened);
    handle = std::move(opened.value);
    token.id = "piv:0001e240";
    token.driver = "piv";
    session = std::make_unique<eport::devices::TokenSession>(*channel, driver, handle, token, 1);
    state_dir = fs::temp_directory_path() / ("eport-write-steps-" + std::to_string(::getpid()));
    fs::remove_all(state_dir);
  }
  ~CardUnderTest() { fs::remove_all(state_dir); }

  /// A write of `der` to `slot` with the default management key.
  std::unique_ptr<WriteRequest> request(const std::string& slot, const Bytes& der) const {
    auto r = std::make_unique<WriteRequest>();
    r->token = token.id;
    r->slot = slot;
    r->der = der;
    r->management_key = kDefaultKey;
    r->allow_key_mismatch = true;
    r->state_dir = state_dir.string();
    r->now = 1764180000;
    return r;
  }

  /// Every backup file written so far.
  std::vector<fs::path> backups() const {
    std::vector<fs::path> files;
    if (!fs::exists(state_dir)) return files;
    for (const auto& entry : fs::recursive_directory_iterator(state_dir))
      if (entry.is_regular_file()) files.push_back(entry.path());
    return files;
  }
};

/// Steps 0 and 2: the slot as the token spells it, then its old certificate backed up.
eport::cardops::CardResult<OldCertificate> back_up(CardUnderTest& card, const WriteRequest& request) {
  auto now = eport::cardops::find_slot(*card.session, request);
  if (!now) return eport::cardops::CardResult<OldCertificate>(eport::unexpected(now.error()));
  return eport::cardops::back_up_old(request, *now, card.session->driver().info().name);
}

Bytes read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes((std::istreambuf_iterator<char>(in)), {});
}

}  // namespace

TEST_CASE("a certificate for another key is refused before anything is backed up or written",
          "[cardops][cert_write]") {
  CardUnderTest card;
  const Bytes old_9a = card.channel->stored(kObject9A);
  const Bytes other = card.channel->stored(kObject9C);  // 9c's certificate: another key
  auto request = card.request("9a", other);
  request->allow_key_mismatch = false;
  auto cert = eport::x509::Certificate::from_der(other);
  REQUIRE(cert);

  auto key = eport::cardops::check_key(*card.session, *request, request->slot, *cert);
  REQUIRE_FALSE(key);
  CHECK(key.error().reason == eport::reasons::cert_key_mismatch);

  auto written = eport::cardops::write_on_card(*card.session, *request, *cert);
  REQUIRE_FALSE(written);
  CHECK(written.error().reason == eport::reasons::cert_key_mismatch);
  CHECK(written.error().extra.at("write_state") == "old");
  CHECK(written.error().extra.at("backup").is_null());
  CHECK(card.channel->puts_sent == 0);
  CHECK(card.backups().empty());
  CHECK(card.channel->stored(kObject9A) == old_9a);

  // The same certificate in its own slot passes the check.
  auto own = card.request("9c", other);
  own->allow_key_mismatch = false;
  CHECK(eport::cardops::check_key(*card.session, *own, own->slot, *cert));
}

TEST_CASE("an empty slot is backed up as none, and the write into it is verified", "[cardops][cert_write]") {
  CardUnderTest card;
  const Bytes cert = card.channel->stored(kObject9A);
  auto request = card.request("9d", cert);

  auto old = back_up(card, *request);
  REQUIRE(old);
  CHECK_FALSE(old->der);
  CHECK_FALSE(old->backup);
  CHECK(card.backups().empty());

  REQUIRE(eport::cardops::write_new(*card.session, *request, request->slot, *old));
  CHECK(card.session->reset_requested());
  auto back = eport::cardops::verify_or_restore(*card.session, *request, request->slot, *old);
  REQUIRE(back);
  CHECK(*back == cert);
  CHECK(card.channel->stored(0x5FC10B) == cert);  // 9d's object
}

TEST_CASE("a write the card refuses leaves the old certificate, said so, with its backup",
          "[cardops][cert_write]") {
  CardUnderTest card;
  const Bytes old_9a = card.channel->stored(kObject9A);
  auto request = card.request("9a", card.channel->stored(kObject9C));

  auto old = back_up(card, *request);
  REQUIRE(old);
  REQUIRE(old->der == old_9a);
  REQUIRE(old->backup);
  CHECK(read_file(*old->backup) == old_9a);

  card.channel->plan = {OnWrite::refuse};
  auto written = eport::cardops::write_new(*card.session, *request, request->slot, *old);
  REQUIRE_FALSE(written);
  CHECK(written.error().extra.at("write_state") == "old");
  CHECK(written.error().extra.at("backup") == *old->backup);
  CHECK(card.channel->stored(kObject9A) == old_9a);
}

TEST_CASE("a read-back that differs puts the old certificate back: old, restored", "[cardops][cert_write]") {
  CardUnderTest card;
  const Bytes old_9a = card.channel->stored(kObject9A);
  auto request = card.request("9a", card.channel->stored(kObject9C));
  auto old = back_up(card, *request);
  REQUIRE(old);

  // The card acknowledges the new certificate but keeps the old one; the restore goes through.
  card.channel->plan = {OnWrite::swallow};
  REQUIRE(eport::cardops::write_new(*card.session, *request, request->slot, *old));
  auto back = eport::cardops::verify_or_restore(*card.session, *request, request->slot, *old);
  REQUIRE_FALSE(back);
  const auto& error = back.error();
  CHECK(error.reason == eport::reasons::write_verify_failed);
  CHECK(error.extra.at("restored") == true);
  CHECK(error.extra.at("write_state") == "old");
  CHECK(error.extra.at("backup") == *old->backup);
  CHECK(card.channel->puts_received > 0);  // the restore reached the card
  CHECK(card.channel->stored(kObject9A) == old_9a);
}

TEST_CASE("a restore the card refuses leaves it unknown, not restored", "[cardops][cert_write]") {
  CardUnderTest card;
  const Bytes old_9a = card.channel->stored(kObject9A);
  auto request = card.request("9a", card.channel->stored(kObject9C));
  auto old = back_up(card, *request);
  REQUIRE(old);

  card.channel->plan = {OnWrite::swallow, OnWrite::refuse};
  REQUIRE(eport::cardops::write_new(*card.session, *request, request->slot, *old));
  auto back = eport::cardops::verify_or_restore(*card.session, *request, request->slot, *old);
  REQUIRE_FALSE(back);
  const auto& error = back.error();
  CHECK(error.reason == eport::reasons::write_verify_failed);
  CHECK(error.extra.at("restored") == false);
  CHECK(error.extra.at("write_state") == "unknown");
  CHECK(error.extra.at("backup") == *old->backup);
  CHECK(read_file(*old->backup) == old_9a);
  CHECK(card.channel->puts_received == 0);
}

TEST_CASE("a card gone mid-write leaves it unknown and names the backup", "[cardops][cert_write]") {
  CardUnderTest card;
  const Bytes old_9a = card.channel->stored(kObject9A);
  const Bytes other = card.channel->stored(kObject9C);
  auto request = card.request("9a", other);
  auto cert = eport::x509::Certificate::from_der(other);
  REQUIRE(cert);

  card.channel->plan = {OnWrite::card_gone};
  auto written = eport::cardops::write_on_card(*card.session, *request, *cert);
  REQUIRE_FALSE(written);
  const auto& error = written.error();
  CHECK(error.extra.at("write_state") == "unknown");
  REQUIRE(error.extra.at("backup").is_string());
  const std::string backup = error.extra.at("backup");
  CHECK(read_file(backup) == old_9a);
  CHECK(card.backups() == std::vector<fs::path>{fs::path(backup)});
  CHECK(error.message.find(backup) != std::string::npos);
  CHECK(card.channel->puts_sent == 1);
}
