#pragma once
// OpenSSL handles and small helpers used inside the soft token only.
#include <memory>
#include <string>

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <eport/softskf/state.hpp>

namespace eport::softskf {

struct EvpPkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct EvpPkeyCtxFree {
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
};
struct EvpMdCtxFree {
  void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
};
struct X509Free {
  void operator()(X509* p) const { X509_free(p); }
};
struct X509NameFree {
  void operator()(X509_NAME* p) const { X509_NAME_free(p); }
};
struct BignumFree {
  void operator()(BIGNUM* p) const { BN_free(p); }
};
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, EvpPkeyFree>;
using EvpPkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, EvpPkeyCtxFree>;
using EvpMdCtxPtr = std::unique_ptr<EVP_MD_CTX, EvpMdCtxFree>;
using X509Ptr = std::unique_ptr<X509, X509Free>;
using X509NamePtr = std::unique_ptr<X509_NAME, X509NameFree>;
using BignumPtr = std::unique_ptr<BIGNUM, BignumFree>;

/// Throws std::runtime_error with `what` and OpenSSL's first queued error; clears the queue.
[[noreturn]] void openssl_fail(const std::string& what);

/// PKCS#8 DER of a private key.
Bytes private_key_der(const EVP_PKEY* key);

/// Parses PKCS#8 DER (SM2 keys come back as SM2); throws std::runtime_error.
EvpPkeyPtr load_private_key(const Bytes& der);

/// RFC 2253 text of a name, UTF-8 kept readable.
std::string name_text(const X509_NAME* name);

/// "YYYY-MM-DDTHH:MM:SSZ".
std::string time_text(const ASN1_TIME* time);

/// Parses "/CN=a/O=b" or "CN=a,O=b" (UTF-8 values); throws std::invalid_argument.
X509NamePtr parse_subject(const std::string& text);

}  // namespace eport::softskf
