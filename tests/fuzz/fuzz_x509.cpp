// Fuzz target: the X.509 summary and key match (daemon/x509), on what a client sends to
// cert.write (PEM, DER, base64) and what a card returns. The input's first byte chooses the
// split between the certificate and the public key (SPKI DER) it is matched against.
#include <chrono>
#include <cstdint>
#include <string_view>
#include <vector>

#include "x509/certificate.hpp"
#include "x509/certificate_summary.hpp"
#include "x509/key_match.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace eport::x509;
  if (size == 0) return 0;
  const std::size_t split = 1 + (size - 1) * data[0] / 256;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, split - 1);
  const std::vector<std::uint8_t> spki(data + split, data + size);
  for (auto outcome : {Certificate::parse(text), Certificate::from_der({text.begin(), text.end()})}) {
    if (!outcome) continue;
    const auto& cert = *outcome;
    const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1798761600));
    (void)summarise(cert, now, {90, 30, 7}).to_json().dump();
    (void)key_description(cert);
    (void)match_public_key(cert, spki);
  }
  return 0;
}
