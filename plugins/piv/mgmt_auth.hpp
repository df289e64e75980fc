#pragma once
// Management-key (9B) mutual authentication, GENERAL AUTHENTICATE (SP 800-73-4 part 2, A.1.2):
//   1. 00 87 <alg> 9B 04 7C 02 80 00                 -> 7C L {80 n E(W)}   the card's witness
//   2. 00 87 <alg> 9B Lc 7C L {80 n W}{81 n C}       -> 7C L {82 n E(C)}   our challenge
// The card checks W (wrong key -> 6982 / 63Cx); we check E(C) (the card knows the key).
// The block size n is 8 for 3DES and 16 for AES.

#include <cstddef>
#include <cstdint>
#include <optional>

#include "apdu.hpp"
#include "bytes.hpp"

namespace eport::piv {

/// Management-key algorithms and their PIV algorithm identifiers (P1 of GENERAL AUTHENTICATE).
enum class MgmtAlgorithm : uint8_t { kTripleDes = 0x03, kAes128 = 0x08, kAes192 = 0x0A, kAes256 = 0x0C };

/// The algorithm for a PIV algorithm identifier (from F7 metadata tag 01); nullopt otherwise.
std::optional<MgmtAlgorithm> mgmt_algorithm_from_id(int id);

/// The algorithm a key length implies when the card cannot say: 24 -> 3DES (could also be
/// AES-192: the card's metadata decides when it has some), 16 -> AES-128, 32 -> AES-256.
std::optional<MgmtAlgorithm> mgmt_algorithm_from_key_length(size_t len);

/// Key length in bytes the algorithm needs.
size_t mgmt_key_length(MgmtAlgorithm algorithm);

/// Cipher block size: 8 for 3DES, 16 for AES (also the witness and challenge length).
size_t mgmt_block_size(MgmtAlgorithm algorithm);

/// Encrypt (or decrypt) exactly one block with the key in ECB mode. Throws PivError INTERNAL
/// when OpenSSL refuses (e.g. key length does not fit).
SecureBytes mgmt_crypt_block(MgmtAlgorithm algorithm, const SecureBytes& key, const uint8_t* block,
                             bool encrypt);

/// Step 1 command: ask the card for a witness.
Command witness_request(MgmtAlgorithm algorithm);

/// The encrypted witness from the step 1 response data (`7C L 80 n E(W)`); nullopt when the
/// layout or the block size is wrong.
std::optional<SecureBytes> parse_witness(const Bytes& data, size_t block_size);

/// Step 2 command: the decrypted witness and our challenge (both one block).
Command challenge_command(MgmtAlgorithm algorithm, const SecureBytes& witness, const Bytes& challenge);

/// The card's encrypted challenge from the step 2 response data (`7C L 82 n E(C)`).
std::optional<Bytes> parse_challenge_response(const Bytes& data, size_t block_size);

}  // namespace eport::piv
