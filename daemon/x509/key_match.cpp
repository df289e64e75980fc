#include "x509/key_match.hpp"

#include "x509/certificate_impl.hpp"

namespace eport::x509 {

KeyMatch match_public_key(const Certificate& cert, const std::vector<std::uint8_t>& spki_der) {
  const unsigned char* p = spki_der.data();
  EvpPkeyPtr key(d2i_PUBKEY(nullptr, &p, static_cast<long>(spki_der.size())));
  if (!key || p != spki_der.data() + spki_der.size()) {
    take_openssl_errors();
    return KeyMatch::unreadable_key;
  }
  const EVP_PKEY* mine = X509_get0_pubkey(cert.impl().x509.get());
  const bool same = mine != nullptr && EVP_PKEY_eq(mine, key.get()) == 1;
  take_openssl_errors();
  return same ? KeyMatch::same_key : KeyMatch::different_key;
}

}  // namespace eport::x509
