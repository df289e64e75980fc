#include <catch2/catch.hpp>

#include <zlib.h>

#include "cert_object.hpp"
#include "piv_error.hpp"
#include "tlv.hpp"

using eport::piv::Bytes;

namespace {
Bytes gzip(const Bytes& data) {
  z_stream stream{};
  REQUIRE(deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  Bytes out(deflateBound(&stream, data.size()) + 32);
  stream.next_in = const_cast<Bytef*>(data.data());
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = out.data();
  stream.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&stream, Z_FINISH) == Z_STREAM_END);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

Bytes object_with(const Bytes& cert, uint8_t cert_info) {
  Bytes content;
  eport::piv::append_tlv(content, 0x70, cert);
  eport::piv::append_tlv(content, 0x71, &cert_info, 1);
  eport::piv::append_tlv(content, 0xFE, nullptr, 0);
  Bytes object;
  eport::piv::append_tlv(object, 0x53, content);
  return object;
}

int32_t status_of(const Bytes& object) {
  try {
    eport::piv::parse_certificate_object(object);
    return EPORT_OK;
  } catch (const eport::piv::PivError& error) {
    return error.status();
  }
}
}  // namespace

TEST_CASE("a plain certificate object gives its DER back", "[piv][cert]") {
  const Bytes der(1500, 0x30);
  const auto cert = eport::piv::parse_certificate_object(object_with(der, 0x00));
  CHECK(cert.der == der);
  CHECK_FALSE(cert.compressed);
}

TEST_CASE("a gzip certificate (CertInfo 01) is inflated", "[piv][cert]") {
  Bytes der;
  for (int i = 0; i < 3000; ++i) der.push_back(static_cast<uint8_t>(i % 7));
  const auto cert = eport::piv::parse_certificate_object(object_with(gzip(der), 0x01));
  CHECK(cert.der == der);
  CHECK(cert.compressed);
}

TEST_CASE("a gzip bomb is refused instead of inflated without bound", "[piv][cert]") {
  const Bytes huge(eport::piv::kMaxCertificate + 100, 0x00);
  CHECK(status_of(object_with(gzip(huge), 0x01)) == EPORT_ERR_CARD_ERROR);
  const Bytes at_limit(eport::piv::kMaxCertificate, 0x00);
  CHECK(eport::piv::inflate_bounded(gzip(at_limit).data(), gzip(at_limit).size(),
                                    eport::piv::kMaxCertificate) == at_limit);
}

TEST_CASE("corrupt gzip data is a card error", "[piv][cert]") {
  Bytes compressed = gzip(Bytes(500, 0x41));
  compressed.resize(compressed.size() / 2);
  CHECK(status_of(object_with(compressed, 0x01)) == EPORT_ERR_CARD_ERROR);
}

TEST_CASE("an emptied object means no certificate; garbage means a card error", "[piv][cert]") {
  CHECK(status_of(Bytes{0x53, 0x00}) == EPORT_ERR_NOT_FOUND);
  CHECK(status_of(Bytes{0x53, 0x02, 0xFE, 0x00}) == EPORT_ERR_NOT_FOUND);
  CHECK(status_of(Bytes{0x54, 0x00}) == EPORT_ERR_CARD_ERROR);
  CHECK(status_of(Bytes{0x53, 0x03, 0x70, 0x05, 0x00}) == EPORT_ERR_CARD_ERROR);
}

TEST_CASE("a built object has 70, 71 00 and FE 00 and parses back", "[piv][cert]") {
  const Bytes der(2500, 0x5A);
  const Bytes object = eport::piv::build_certificate_object(der);
  CHECK(object[0] == 0x53);
  CHECK(object[1] == 0x82);  // three-byte length
  const Bytes tail(object.end() - 5, object.end());
  CHECK(tail == Bytes{0x71, 0x01, 0x00, 0xFE, 0x00});
  CHECK(eport::piv::parse_certificate_object(object).der == der);
}
