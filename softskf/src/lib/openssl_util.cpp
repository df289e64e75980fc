#include "openssl_util.hpp"

#include <ctime>
#include <stdexcept>
#include <vector>

#include <openssl/bio.h>
#include <openssl/err.h>

namespace eport::softskf {

void openssl_fail(const std::string& what) {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) throw std::runtime_error(what);
  char text[256];
  ERR_error_string_n(code, text, sizeof text);
  throw std::runtime_error(what + ": " + text);
}

Bytes private_key_der(const EVP_PKEY* key) {
  PKCS8_PRIV_KEY_INFO* info = EVP_PKEY2PKCS8(key);
  if (info == nullptr) openssl_fail("cannot encode the private key");
  unsigned char* out = nullptr;
  const int len = i2d_PKCS8_PRIV_KEY_INFO(info, &out);
  PKCS8_PRIV_KEY_INFO_free(info);
  if (len <= 0) openssl_fail("cannot encode the private key");
  Bytes der(out, out + len);
  OPENSSL_clear_free(out, static_cast<std::size_t>(len));
  return der;
}

EvpPkeyPtr load_private_key(const Bytes& der) {
  const unsigned char* p = der.data();
  EvpPkeyPtr key(d2i_AutoPrivateKey(nullptr, &p, static_cast<long>(der.size())));
  if (!key) openssl_fail("cannot read the private key");
  return key;
}

std::string name_text(const X509_NAME* name) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
  if (!bio) return {};
  X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(len));
}

std::string time_text(const ASN1_TIME* time) {
  std::tm tm{};
  if (ASN1_TIME_to_tm(time, &tm) != 1) return "?";
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

X509NamePtr parse_subject(const std::string& text) {
  // "/CN=a/O=b" (OpenSSL's -subj) or "CN=a,O=b" (RFC 2253 order is ignored: given order is kept).
  const bool slashes = !text.empty() && text[0] == '/';
  const char separator = slashes ? '/' : ',';
  std::vector<std::string> parts;
  std::string current;
  for (std::size_t i = slashes ? 1 : 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size()) {
      current += text[++i];
    } else if (text[i] == separator) {
      parts.push_back(current);
      current.clear();
    } else {
      current += text[i];
    }
  }
  parts.push_back(current);
  X509NamePtr name(X509_NAME_new());
  for (const auto& part : parts) {
    const auto eq = part.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == part.size())
      throw std::invalid_argument("subject: '" + part + "' is not TYPE=value");
    const std::string type = part.substr(0, eq), value = part.substr(eq + 1);
    if (X509_NAME_add_entry_by_txt(name.get(), type.c_str(), MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(value.data()),
                                   static_cast<int>(value.size()), -1, 0) != 1) {
      ERR_clear_error();
      throw std::invalid_argument("subject: unknown attribute '" + type + "'");
    }
  }
  return name;
}

}  // namespace eport::softskf
