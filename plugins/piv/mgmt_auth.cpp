#include "mgmt_auth.hpp"

#include <memory>

#include <openssl/evp.h>

#include "piv_error.hpp"
#include "tlv.hpp"

namespace eport::piv {

namespace {
constexpr uint8_t kInsGeneralAuthenticate = 0x87;
constexpr uint8_t kMgmtKeyRef = 0x9B;
constexpr uint32_t kTagDynamicAuth = 0x7C;
constexpr uint32_t kTagWitness = 0x80;
constexpr uint32_t kTagChallenge = 0x81;
constexpr uint32_t kTagResponse = 0x82;

const EVP_CIPHER* cipher_for(MgmtAlgorithm algorithm) {
  switch (algorithm) {
    case MgmtAlgorithm::kTripleDes: return EVP_des_ede3_ecb();
    case MgmtAlgorithm::kAes128: return EVP_aes_128_ecb();
    case MgmtAlgorithm::kAes192: return EVP_aes_192_ecb();
    case MgmtAlgorithm::kAes256: return EVP_aes_256_ecb();
  }
  return nullptr;
}

struct CipherCtxFree {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};

/// The value of the single `tag` TLV inside `7C L ...`, when it is exactly `size` bytes.
std::optional<Bytes> dynamic_auth_item(const Bytes& data, uint32_t tag, size_t size) {
  const auto outer = decode_tlv(data.data(), data.size());
  if (!outer || outer->tag != kTagDynamicAuth) return std::nullopt;
  const auto inner = decode_tlv_list(outer->value, outer->length);
  if (!inner) return std::nullopt;
  const Tlv* item = find_tlv(*inner, tag);
  if (item == nullptr || item->length != size) return std::nullopt;
  return item->value_bytes();
}
}  // namespace

std::optional<MgmtAlgorithm> mgmt_algorithm_from_id(int id) {
  switch (id) {
    case 0x03: return MgmtAlgorithm::kTripleDes;
    case 0x08: return MgmtAlgorithm::kAes128;
    case 0x0A: return MgmtAlgorithm::kAes192;
    case 0x0C: return MgmtAlgorithm::kAes256;
    default: return std::nullopt;
  }
}

std::optional<MgmtAlgorithm> mgmt_algorithm_from_key_length(size_t len) {
  switch (len) {
    case 24: return MgmtAlgorithm::kTripleDes;
    case 16: return MgmtAlgorithm::kAes128;
    case 32: return MgmtAlgorithm::kAes256;
    default: return std::nullopt;
  }
}

size_t mgmt_key_length(MgmtAlgorithm algorithm) {
  switch (algorithm) {
    case MgmtAlgorithm::kTripleDes: return 24;
    case MgmtAlgorithm::kAes128: return 16;
    case MgmtAlgorithm::kAes192: return 24;
    case MgmtAlgorithm::kAes256: return 32;
  }
  return 0;
}

size_t mgmt_block_size(MgmtAlgorithm algorithm) { return algorithm == MgmtAlgorithm::kTripleDes ? 8 : 16; }

SecureBytes mgmt_crypt_block(MgmtAlgorithm algorithm, const SecureBytes& key, const uint8_t* block,
                             bool encrypt) {
  if (key.size() != mgmt_key_length(algorithm)) {
    throw PivError(EPORT_ERR_INTERNAL, "management key length does not fit the algorithm");
  }
  std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree> ctx(EVP_CIPHER_CTX_new());
  if (!ctx) throw PivError(EPORT_ERR_NO_MEMORY, "EVP_CIPHER_CTX_new failed");
  const size_t block_size = mgmt_block_size(algorithm);
  SecureBytes out;
  out.mutable_bytes().resize(block_size + 32);  // EVP may write up to one extra block
  int written = 0;
  int final_written = 0;
  const bool ok = EVP_CipherInit_ex(ctx.get(), cipher_for(algorithm), nullptr, key.data(), nullptr,
                                    encrypt ? 1 : 0) == 1 &&
                  EVP_CIPHER_CTX_set_padding(ctx.get(), 0) == 1 &&
                  EVP_CipherUpdate(ctx.get(), out.mutable_bytes().data(), &written, block,
                                   static_cast<int>(block_size)) == 1 &&
                  EVP_CipherFinal_ex(ctx.get(), out.mutable_bytes().data() + written, &final_written) == 1;
  if (!ok || static_cast<size_t>(written + final_written) != block_size) {
    throw PivError(EPORT_ERR_INTERNAL, "OpenSSL refused the management-key cipher");
  }
  wipe(out.mutable_bytes().data() + block_size, out.size() - block_size);
  out.mutable_bytes().resize(block_size);
  return out;
}

Command witness_request(MgmtAlgorithm algorithm) {
  Command command;
  command.ins = kInsGeneralAuthenticate;
  command.p1 = static_cast<uint8_t>(algorithm);
  command.p2 = kMgmtKeyRef;
  command.data = {0x7C, 0x02, 0x80, 0x00};
  command.le = kLeMax;
  return command;
}

std::optional<SecureBytes> parse_witness(const Bytes& data, size_t block_size) {
  auto item = dynamic_auth_item(data, kTagWitness, block_size);
  if (!item) return std::nullopt;
  return SecureBytes(std::move(*item));
}

Command challenge_command(MgmtAlgorithm algorithm, const SecureBytes& witness, const Bytes& challenge) {
  Bytes inner;
  inner.reserve(4 + witness.size() + challenge.size());  // no reallocation: no stray witness copies
  append_tlv(inner, kTagWitness, witness.bytes());
  append_tlv(inner, kTagChallenge, challenge);
  Command command;
  command.ins = kInsGeneralAuthenticate;
  command.p1 = static_cast<uint8_t>(algorithm);
  command.p2 = kMgmtKeyRef;
  append_tlv(command.data, kTagDynamicAuth, inner);
  wipe(inner);
  command.le = kLeMax;
  command.secret = true;
  return command;
}

std::optional<Bytes> parse_challenge_response(const Bytes& data, size_t block_size) {
  return dynamic_auth_item(data, kTagResponse, block_size);
}

}  // namespace eport::piv
