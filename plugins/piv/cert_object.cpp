#include "cert_object.hpp"

#include <zlib.h>

#include "piv_error.hpp"
#include "tlv.hpp"

namespace eport::piv {

namespace {
constexpr uint32_t kTagObject = 0x53;
constexpr uint32_t kTagCertificate = 0x70;
constexpr uint32_t kTagCertInfo = 0x71;
constexpr uint32_t kTagErrorDetection = 0xFE;
constexpr uint8_t kCertInfoCompressed = 0x01;

/// Owns a z_stream set up for inflating; inflateEnd on every path.
class Inflater {
 public:
  Inflater() {
    // 15 + 32: accept both gzip and zlib headers (cards in the field store either).
    if (inflateInit2(&stream_, 15 + 32) != Z_OK) {
      throw PivError(EPORT_ERR_NO_MEMORY, "zlib: inflateInit2 failed");
    }
  }
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;
  ~Inflater() { inflateEnd(&stream_); }
  z_stream& stream() { return stream_; }

 private:
  z_stream stream_{};
};
}  // namespace

Bytes inflate_bounded(const uint8_t* data, size_t len, size_t limit) {
  Inflater inflater;
  z_stream& stream = inflater.stream();
  stream.next_in = const_cast<Bytef*>(data);  // zlib's API is not const-correct
  stream.avail_in = static_cast<uInt>(len);
  Bytes out(limit + 1);  // one spare byte tells "exactly at the limit" from "beyond it"
  stream.next_out = out.data();
  stream.avail_out = static_cast<uInt>(out.size());
  const int rc = inflate(&stream, Z_FINISH);
  if (rc != Z_STREAM_END) {
    const bool too_big = stream.avail_out == 0;
    throw PivError(EPORT_ERR_CARD_ERROR, too_big ? "compressed certificate inflates beyond the limit"
                                                 : "compressed certificate is corrupt or truncated");
  }
  out.resize(out.size() - stream.avail_out);
  if (out.size() > limit) {
    throw PivError(EPORT_ERR_CARD_ERROR, "compressed certificate inflates beyond the limit");
  }
  return out;
}

CertificateObject parse_certificate_object(const Bytes& object) {
  const auto outer = decode_tlv(object.data(), object.size());
  if (!outer || outer->tag != kTagObject) {
    throw PivError(EPORT_ERR_CARD_ERROR, "certificate object is not a 53 TLV");
  }
  if (outer->length == 0) throw PivError(EPORT_ERR_NOT_FOUND, "certificate object is empty");
  const auto inner = decode_tlv_list(outer->value, outer->length);
  if (!inner) throw PivError(EPORT_ERR_CARD_ERROR, "certificate object content is malformed");
  const Tlv* cert = find_tlv(*inner, kTagCertificate);
  if (cert == nullptr || cert->length == 0) {
    throw PivError(EPORT_ERR_NOT_FOUND, "certificate object holds no certificate");
  }
  const Tlv* info = find_tlv(*inner, kTagCertInfo);
  CertificateObject result;
  result.compressed = info != nullptr && info->length >= 1 && (info->value[0] & kCertInfoCompressed);
  if (result.compressed) {
    result.der = inflate_bounded(cert->value, cert->length, kMaxCertificate);
  } else {
    result.der = cert->value_bytes();
  }
  return result;
}

Bytes build_certificate_object(const Bytes& der) {
  Bytes content;
  append_tlv(content, kTagCertificate, der);
  const uint8_t plain = 0x00;
  append_tlv(content, kTagCertInfo, &plain, 1);
  append_tlv(content, kTagErrorDetection, nullptr, 0);
  Bytes object;
  append_tlv(object, kTagObject, content);
  return object;
}

}  // namespace eport::piv
