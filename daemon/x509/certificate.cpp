#include "x509/certificate.hpp"

#include <algorithm>
#include <cctype>
#include <utility>

#include <openssl/err.h>
#include <openssl/pem.h>

#include "eport/common/reasons.hpp"
#include "x509/certificate_impl.hpp"

namespace eport::x509 {

namespace {

constexpr const char* kWhatToSend =
    "send the certificate as PEM (-----BEGIN CERTIFICATE-----), DER, or base64 of the DER";

ParseOutcome refuse(std::string message) {
  take_openssl_errors();  // leave a clean error queue for the next caller
  return unexpected(CertificateError{reasons::cert_invalid, std::move(message)});
}

bool contains(std::string_view text, std::string_view needle) {
  return text.find(needle) != std::string_view::npos;
}

std::string_view trim(std::string_view s) {
  const auto is_space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

std::vector<std::uint8_t> encode_der(X509* x) {
  const int len = i2d_X509(x, nullptr);
  if (len <= 0) return {};
  std::vector<std::uint8_t> der(static_cast<std::size_t>(len));
  unsigned char* p = der.data();
  i2d_X509(x, &p);
  return der;
}

// True when `der` is a DER private key: lets us say "this is a key" instead of "garbage".
bool looks_like_private_key(const unsigned char* data, long len) {
  const unsigned char* p = data;
  EvpPkeyPtr key(d2i_AutoPrivateKey(nullptr, &p, len));
  take_openssl_errors();
  return key != nullptr;
}

ParseOutcome parse_der_bytes(const unsigned char* data, std::size_t size, const char* form) {
  const unsigned char* p = data;
  const long len = static_cast<long>(size);
  X509Ptr x(d2i_X509(nullptr, &p, len));
  if (!x) {
    if (looks_like_private_key(data, len))
      return refuse(std::string("the ") + form +
                    " input is a private key, not a certificate: never send private keys; " + kWhatToSend);
    return refuse(std::string("the ") + form + " input is not an X.509 certificate (" +
                  take_openssl_errors() + "); " + kWhatToSend);
  }
  const long used = static_cast<long>(p - data);
  if (used != len)
    return refuse(std::string("the ") + form + " certificate is followed by " + std::to_string(len - used) +
                  " unexpected bytes; send exactly one certificate");
  return Certificate::from_der(std::vector<std::uint8_t>(data, data + size));
}

ParseOutcome parse_pem(std::string_view text) {
  if (contains(text, "PRIVATE KEY-----"))
    return refuse("the input holds a private key: never send private keys; " + std::string(kWhatToSend) +
                  " without the key");
  BioPtr bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
  if (!bio) return refuse("out of memory while reading the PEM input");
  X509Ptr x(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!x)
    return refuse("no readable '-----BEGIN CERTIFICATE-----' block in the PEM input (" +
                  take_openssl_errors() + "); " + kWhatToSend);
  const std::vector<std::uint8_t> der = encode_der(x.get());
  return parse_der_bytes(der.data(), der.size(), "PEM");
}

bool is_base64_text(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return std::isalnum(u) || c == '+' || c == '/' || c == '=' || std::isspace(u);
  });
}

ParseOutcome parse_base64(std::string_view text) {
  if (!is_base64_text(text))
    return refuse("the input is neither PEM, DER nor base64; " + std::string(kWhatToSend));
  std::string compact;
  for (char c : text)
    if (!std::isspace(static_cast<unsigned char>(c))) compact.push_back(c);
  std::vector<unsigned char> der(compact.size() / 4 * 3 + 3);
  EvpEncodeCtxPtr ctx(EVP_ENCODE_CTX_new());
  int len = 0;
  int tail = 0;
  EVP_DecodeInit(ctx.get());
  if (EVP_DecodeUpdate(ctx.get(), der.data(), &len, reinterpret_cast<const unsigned char*>(compact.data()),
                       static_cast<int>(compact.size())) < 0 ||
      EVP_DecodeFinal(ctx.get(), der.data() + len, &tail) < 0)
    return refuse("the base64 input is damaged (bad length or padding); " + std::string(kWhatToSend));
  return parse_der_bytes(der.data(), static_cast<std::size_t>(len + tail), "base64");
}

}  // namespace

std::string take_openssl_errors() {
  std::string text;
  for (unsigned long e = ERR_get_error(); e != 0; e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    if (!text.empty()) text += "; ";
    text += buf;
  }
  return text;
}

ParseOutcome Certificate::parse(std::string_view input) {
  const std::string_view text = trim(input);
  if (text.empty()) return refuse("the certificate is empty; " + std::string(kWhatToSend));
  if (contains(text, "-----BEGIN")) return parse_pem(text);
  if (static_cast<unsigned char>(input.front()) == 0x30)
    return parse_der_bytes(reinterpret_cast<const unsigned char*>(input.data()), input.size(), "DER");
  return parse_base64(text);
}

ParseOutcome Certificate::from_der(const std::vector<std::uint8_t>& der) {
  const unsigned char* p = der.data();
  X509Ptr x(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (!x || p != der.data() + der.size())
    return refuse("the DER bytes are not exactly one X.509 certificate (" + take_openssl_errors() + ")");
  auto impl = std::make_unique<Impl>();
  impl->der = encode_der(x.get());
  impl->x509 = std::move(x);
  return Certificate(std::move(impl));
}

Certificate::Certificate(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Certificate::Certificate(const Certificate& other) : impl_(std::make_unique<Impl>()) {
  X509_up_ref(other.impl_->x509.get());
  impl_->x509.reset(other.impl_->x509.get());
  impl_->der = other.impl_->der;
}

Certificate& Certificate::operator=(const Certificate& other) {
  if (this != &other) *this = Certificate(other);
  return *this;
}

Certificate::Certificate(Certificate&&) noexcept = default;
Certificate& Certificate::operator=(Certificate&&) noexcept = default;
Certificate::~Certificate() = default;

const std::vector<std::uint8_t>& Certificate::der() const { return impl_->der; }

std::string Certificate::pem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), impl_->x509.get()) != 1) return {};
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(len));
}

std::string Certificate::der_base64() const {
  std::string out(4 * ((impl_->der.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), impl_->der.data(),
                                static_cast<int>(impl_->der.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::vector<std::uint8_t> Certificate::public_key_der() const {
  X509_PUBKEY* spki = X509_get_X509_PUBKEY(impl_->x509.get());
  unsigned char* buf = nullptr;
  const int len = i2d_X509_PUBKEY(spki, &buf);
  if (len <= 0) return {};
  std::vector<std::uint8_t> out(buf, buf + len);
  OPENSSL_free(buf);
  return out;
}

}  // namespace eport::x509
