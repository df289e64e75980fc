#pragma once
/// The card's cryptography through OpenSSL 3: asymmetric keys kept as PKCS#8 DER, raw RSA and
/// ECDSA signing, key import from YubiKey FE components, and the management-key block cipher.
#include <cstdint>
#include <optional>

#include <eport/vcard/tlv.hpp>

namespace eport::vcard {

/// Generates a private key for a PIV algorithm (RSA-1024/2048/3072, P-256, P-384); PKCS#8 DER.
Bytes generate_private_key(uint8_t algorithm);

/// The public key as PIV encodes it inside 7F49: RSA `81 n 82 e`, EC `86 04||X||Y`.
Bytes public_key_tlvs(const Bytes& private_der);

/// The SubjectPublicKeyInfo DER of a private key (used to build certificates).
Bytes public_key_spki(const Bytes& private_der);

/// The PIV algorithm identifier of a key (RSA size or curve), nullopt when unsupported.
std::optional<uint8_t> key_algorithm(const Bytes& private_der);

/// Raw RSA private operation (no padding) on a modulus-sized block; nullopt on bad input.
std::optional<Bytes> rsa_raw_private(const Bytes& private_der, const Bytes& block);

/// ECDSA over a ready hash; the result is a DER ECDSA-Sig-Value. nullopt on failure.
std::optional<Bytes> ecdsa_sign_digest(const Bytes& private_der, const Bytes& digest);

/// ECDH with the peer point (uncompressed 04||X||Y); nullopt on failure.
std::optional<Bytes> ecdh_derive(const Bytes& private_der, const Bytes& peer_point);

/// Builds an RSA key from CRT components p, q, dp, dq, qinv (e = 65537); nullopt on bad input.
std::optional<Bytes> import_rsa_key(const Bytes& p, const Bytes& q, const Bytes& dp, const Bytes& dq,
                                    const Bytes& qinv);

/// Builds an EC key for P-256/P-384 from its private scalar; nullopt on bad input.
std::optional<Bytes> import_ec_key(uint8_t algorithm, const Bytes& scalar);

/// Encrypts one block with the management key (3DES-ECB or AES-ECB, no padding).
Bytes management_encrypt(uint8_t algorithm, const Bytes& key, const Bytes& block);

/// Fills `out` with cryptographically strong random bytes.
void system_random(uint8_t* out, std::size_t length);

/// SHA-256 of `data`.
Bytes sha256(const Bytes& data);

}  // namespace eport::vcard
