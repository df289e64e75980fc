#pragma once
// RAII owners for the OpenSSL objects eport_x509 uses. Internal to daemon/x509 (and its tests):
// the rest of the daemon sees only the OpenSSL-free headers of this module.

#include <memory>
#include <string>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

namespace eport::x509 {

/// Calls an OpenSSL free function; the template keeps one deleter type per function.
template <typename T, void (*Free)(T*)>
struct OpensslDeleter {
  /// Frees `p` with the OpenSSL function for its type (null is fine).
  void operator()(T* p) const noexcept { Free(p); }
};

/// Owns an X509.
using X509Ptr = std::unique_ptr<X509, OpensslDeleter<X509, X509_free>>;
/// Owns an EVP_PKEY.
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, OpensslDeleter<EVP_PKEY, EVP_PKEY_free>>;
/// Owns an EVP_PKEY_CTX.
using EvpPkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, OpensslDeleter<EVP_PKEY_CTX, EVP_PKEY_CTX_free>>;
/// Owns an EVP_MD_CTX.
using EvpMdCtxPtr = std::unique_ptr<EVP_MD_CTX, OpensslDeleter<EVP_MD_CTX, EVP_MD_CTX_free>>;
/// Owns an EVP_ENCODE_CTX (base64).
using EvpEncodeCtxPtr = std::unique_ptr<EVP_ENCODE_CTX, OpensslDeleter<EVP_ENCODE_CTX, EVP_ENCODE_CTX_free>>;
/// Owns a BIO chain (BIO_free_all frees every BIO pushed onto it).
using BioPtr = std::unique_ptr<BIO, OpensslDeleter<BIO, BIO_free_all>>;
/// Owns a BIGNUM.
using BignumPtr = std::unique_ptr<BIGNUM, OpensslDeleter<BIGNUM, BN_free>>;
/// Owns an X509_NAME.
using X509NamePtr = std::unique_ptr<X509_NAME, OpensslDeleter<X509_NAME, X509_NAME_free>>;

/// Releases memory OpenSSL allocated with OPENSSL_malloc (e.g. BN_bn2hex results).
struct OpensslStringDeleter {
  /// Frees `p` with OPENSSL_free.
  void operator()(char* p) const noexcept { OPENSSL_free(p); }
};
/// Owns a string allocated by OpenSSL.
using OpensslString = std::unique_ptr<char, OpensslStringDeleter>;

/// Pops OpenSSL's error queue into one line ("" when empty), so errors never leak to later calls.
std::string take_openssl_errors();

}  // namespace eport::x509
