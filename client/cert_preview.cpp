#include "cert_preview.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace eport::client {

CertificatePreview preview_certificate(const std::string& bytes, std::chrono::system_clock::time_point now) {
  auto parsed = x509::Certificate::parse(bytes);
  if (!parsed) throw std::runtime_error(parsed.error().message);
  return {x509::summarise(*parsed, now, x509::default_warn_days()), parsed->pem()};
}

CertificatePreview preview_certificate_file(const std::string& path,
                                            std::chrono::system_clock::time_point now) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return preview_certificate(ss.str(), now);
}

}  // namespace eport::client
