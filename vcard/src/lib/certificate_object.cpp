// PIV certificate objects, optionally gzip-compressed (CertInfo 01).
#include <zlib.h>

#include <stdexcept>

#include <eport/vcard/personalise.hpp>

namespace eport::vcard {

namespace {

Bytes gzip(const Bytes& data) {
  z_stream z{};
  // windowBits 15 + 16 asks zlib for a gzip header and trailer.
  if (deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::runtime_error("zlib: deflateInit2 failed");
  }
  Bytes out(deflateBound(&z, data.size()) + 32);
  z.next_in = const_cast<Bytes::value_type*>(data.data());
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = out.data();
  z.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  if (rc != Z_STREAM_END) throw std::runtime_error("zlib: deflate failed");
  return out;
}

std::optional<Bytes> gunzip(const Bytes& data) {
  z_stream z{};
  if (inflateInit2(&z, 15 + 32) != Z_OK) return std::nullopt;
  Bytes out;
  uint8_t buf[4096];
  z.next_in = const_cast<Bytes::value_type*>(data.data());
  z.avail_in = static_cast<uInt>(data.size());
  int rc = Z_OK;
  while (rc == Z_OK) {
    z.next_out = buf;
    z.avail_out = sizeof buf;
    rc = inflate(&z, Z_NO_FLUSH);
    out.insert(out.end(), buf, buf + (sizeof buf - z.avail_out));
  }
  inflateEnd(&z);
  if (rc != Z_STREAM_END) return std::nullopt;
  return out;
}

}  // namespace

Bytes certificate_object(const Bytes& certificate_der, bool compress) {
  Bytes inner;
  append_tlv(inner, 0x70, compress ? gzip(certificate_der) : certificate_der);
  append_tlv(inner, 0x71, {static_cast<uint8_t>(compress ? 0x01 : 0x00)});
  append_tlv(inner, 0xFE, {});
  return make_tlv(0x53, inner);
}

std::optional<Bytes> certificate_from_object(const Bytes& object) {
  auto outer = parse_tlvs(object);
  if (!outer || outer->size() != 1 || (*outer)[0].tag != 0x53) return std::nullopt;
  auto inner = parse_tlvs((*outer)[0].value);
  if (!inner) return std::nullopt;
  const Tlv* cert = find_tlv(*inner, 0x70);
  if (cert == nullptr) return std::nullopt;
  const Tlv* info = find_tlv(*inner, 0x71);
  if (info != nullptr && !info->value.empty() && (info->value[0] & 0x01)) return gunzip(cert->value);
  return cert->value;
}

}  // namespace eport::vcard
