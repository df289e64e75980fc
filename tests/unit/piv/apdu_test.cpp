#include <catch2/catch.hpp>

#include <deque>

#include "apdu.hpp"
#include "apdu_channel.hpp"
#include "piv_error.hpp"

using eport::piv::ApduChannel;
using eport::piv::Bytes;
using eport::piv::Command;

TEST_CASE("short APDUs encode as cases 1 to 4", "[piv][apdu]") {
  Command command;
  command.ins = 0x20;
  command.p2 = 0x80;
  CHECK(eport::piv::encode_command(command) == Bytes{0x00, 0x20, 0x00, 0x80});
  command.le = eport::piv::kLeMax;
  CHECK(eport::piv::encode_command(command) == Bytes{0x00, 0x20, 0x00, 0x80, 0x00});
  command.le = eport::piv::kNoLe;
  command.data = {0x01, 0x02};
  CHECK(eport::piv::encode_command(command) == Bytes{0x00, 0x20, 0x00, 0x80, 0x02, 0x01, 0x02});
  command.le = 0x10;
  CHECK(eport::piv::encode_command(command) == Bytes{0x00, 0x20, 0x00, 0x80, 0x02, 0x01, 0x02, 0x10});
}

TEST_CASE("long data is chained in 255-byte parts with CLA 10 on all but the last", "[piv][apdu]") {
  Command command;
  command.ins = 0xDB;
  command.p1 = 0x3F;
  command.p2 = 0xFF;
  command.le = eport::piv::kLeMax;
  for (int i = 0; i < 600; ++i) command.data.push_back(static_cast<uint8_t>(i));
  const auto chain = eport::piv::chain_commands(command);
  REQUIRE(chain.size() == 3);
  CHECK(chain[0].cla == 0x10);
  CHECK(chain[0].data.size() == 255);
  CHECK(chain[0].le == eport::piv::kNoLe);
  CHECK(chain[1].cla == 0x10);
  CHECK(chain[1].data.size() == 255);
  CHECK(chain[2].cla == 0x00);
  CHECK(chain[2].data.size() == 90);
  CHECK(chain[2].le == eport::piv::kLeMax);
  Bytes joined;
  for (const auto& part : chain) joined.insert(joined.end(), part.data.begin(), part.data.end());
  CHECK(joined == command.data);
}

namespace {
/// A card that answers from a script and records what it was sent.
struct ScriptedCard {
  std::deque<Bytes> answers;
  std::vector<Bytes> sent;
  int32_t fail_with = EPORT_OK;

  eport::piv::RawTransmit transmit() {
    return [this](const uint8_t* cmd, size_t len, uint8_t* resp, size_t* resp_len) -> int32_t {
      sent.emplace_back(cmd, cmd + len);
      if (fail_with != EPORT_OK) return fail_with;
      REQUIRE(!answers.empty());
      const Bytes answer = answers.front();
      answers.pop_front();
      REQUIRE(answer.size() <= *resp_len);
      std::copy(answer.begin(), answer.end(), resp);
      *resp_len = answer.size();
      return EPORT_OK;
    };
  }
};

Command get_data_command() {
  Command command;
  command.ins = 0xCB;
  command.p1 = 0x3F;
  command.p2 = 0xFF;
  command.data = {0x5C, 0x03, 0x5F, 0xC1, 0x05};
  command.le = eport::piv::kLeMax;
  return command;
}
}  // namespace

TEST_CASE("61xx is followed by GET RESPONSE until 9000 and the parts are joined", "[piv][apdu]") {
  ScriptedCard card;
  card.answers = {{0xAA, 0xBB, 0x61, 0x02}, {0xCC, 0xDD, 0x61, 0x00}, {0xEE, 0x90, 0x00}};
  ApduChannel channel(card.transmit());
  const auto response = channel.exchange(get_data_command());
  CHECK(response.sw == 0x9000);
  CHECK(response.data == Bytes{0xAA, 0xBB, 0xCC, 0xDD, 0xEE});
  REQUIRE(card.sent.size() == 3);
  CHECK(card.sent[1] == Bytes{0x00, 0xC0, 0x00, 0x00, 0x02});
  CHECK(card.sent[2] == Bytes{0x00, 0xC0, 0x00, 0x00, 0x00});
  CHECK(channel.apdu_count() == 3);
}

TEST_CASE("6Cxx resends the same command with the Le the card asked for", "[piv][apdu]") {
  ScriptedCard card;
  card.answers = {{0x6C, 0x08}, {1, 2, 3, 4, 5, 6, 7, 8, 0x90, 0x00}};
  ApduChannel channel(card.transmit());
  const auto response = channel.exchange(get_data_command());
  CHECK(response.sw == 0x9000);
  CHECK(response.data.size() == 8);
  REQUIRE(card.sent.size() == 2);
  CHECK(card.sent[1].back() == 0x08);
  CHECK(Bytes(card.sent[1].begin(), card.sent[1].end() - 1) ==
        Bytes(card.sent[0].begin(), card.sent[0].end() - 1));
}

TEST_CASE("a refused chain part stops the chain and returns its status word", "[piv][apdu]") {
  ScriptedCard card;
  card.answers = {{0x69, 0x82}};
  ApduChannel channel(card.transmit());
  Command command = get_data_command();
  command.data.resize(600, 0x11);
  const auto response = channel.exchange(command);
  CHECK(response.sw == 0x6982);
  CHECK(card.sent.size() == 1);
}

TEST_CASE("a status word other than 9000 is returned, not thrown", "[piv][apdu]") {
  ScriptedCard card;
  card.answers = {{0x6A, 0x82}};
  ApduChannel channel(card.transmit());
  CHECK(channel.exchange(get_data_command()).sw == 0x6A82);
}

TEST_CASE("a failed transmit throws the host's status", "[piv][apdu]") {
  ScriptedCard card;
  card.fail_with = EPORT_ERR_CARD_REMOVED;
  ApduChannel channel(card.transmit());
  try {
    channel.exchange(get_data_command());
    FAIL("no exception");
  } catch (const eport::piv::PivError& error) {
    CHECK(error.status() == EPORT_ERR_CARD_REMOVED);
  }
}

TEST_CASE("a card answering 61xx forever is cut off", "[piv][apdu]") {
  int sent = 0;
  ApduChannel channel([&](const uint8_t*, size_t, uint8_t* resp, size_t* resp_len) -> int32_t {
    ++sent;
    resp[0] = 0x61;
    resp[1] = 0x00;
    *resp_len = 2;
    return EPORT_OK;
  });
  CHECK_THROWS_AS(channel.exchange(get_data_command()), eport::piv::PivError);
  CHECK(sent < 1000);
}

TEST_CASE("SELECT-style commands do not fetch what 61xx announces", "[piv][apdu]") {
  ScriptedCard card;
  card.answers = {{0x61, 0x15}};
  ApduChannel channel(card.transmit());
  Command command = get_data_command();
  command.fetch_more = false;
  CHECK(channel.exchange(command).sw == 0x6115);
  CHECK(card.sent.size() == 1);
}
