#include "apdu_channel.hpp"

#include <vector>

#include "piv_error.hpp"
#include "status_words.hpp"

namespace eport::piv {

namespace {
// A short response is at most 256 data bytes + SW; leave room for hosts that pass more.
constexpr size_t kReceiveBuffer = 4096;

// A card that answers 61xx forever (even with empty chunks) must not hang the token's worker.
constexpr int kMaxGetResponses = 512;
}  // namespace

Response ApduChannel::send_one(const Command& command) {
  Bytes encoded = encode_command(command);
  std::vector<uint8_t> raw(kReceiveBuffer);
  size_t raw_len = raw.size();
  ++count_;
  const int32_t status = transmit_(encoded.data(), encoded.size(), raw.data(), &raw_len);
  if (command.secret) wipe(encoded);
  if (status != EPORT_OK) {
    wipe(raw);
    throw PivError(status, "transmit failed");
  }
  Response response;
  const bool parsed = raw_len <= raw.size() && parse_response(raw.data(), raw_len, response);
  wipe(raw);  // responses may carry a management-key witness
  if (!parsed) throw PivError(EPORT_ERR_TRANSMIT, "card answered fewer than two bytes");
  return response;
}

Response ApduChannel::send_final(const Command& command) {
  Response response = send_one(command);
  if (response.sw1() == 0x6C) {
    // Wrong Le: the card says how many bytes it has; send the same command again with that Le.
    Command again = command;  // a secret copy wipes itself (Command's destructor)
    again.le = response.sw2() == 0 ? kLeMax : response.sw2();
    response = send_one(again);
  }
  if (!command.fetch_more) return response;
  Bytes collected = std::move(response.data);
  for (int round = 0; response.sw1() == 0x61; ++round) {
    if (round == kMaxGetResponses) {
      wipe(collected);
      throw PivError(EPORT_ERR_CARD_ERROR, "card kept answering 61xx (more data) without end");
    }
    response = send_one(get_response_command(response.sw2()));
    if (collected.size() + response.data.size() > kMaxResponse) {
      wipe(collected);
      throw PivError(EPORT_ERR_CARD_ERROR, "card response longer than 64 KiB");
    }
    collected.insert(collected.end(), response.data.begin(), response.data.end());
    wipe(response.data);
  }
  response.data = std::move(collected);
  return response;
}

Response ApduChannel::exchange(const Command& command) {
  const std::vector<Command> chain = chain_commands(command);  // secret parts wipe themselves
  for (size_t i = 0; i + 1 < chain.size(); ++i) {
    Response response = send_one(chain[i]);
    if (response.sw != kSwOk) return response;  // the card refused part: the rest is not sent
  }
  return send_final(chain.back());
}

}  // namespace eport::piv
