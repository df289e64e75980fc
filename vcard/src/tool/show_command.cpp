#include "show_command.hpp"

#include <openssl/bio.h>
#include <openssl/x509.h>

#include <iomanip>
#include <memory>
#include <set>
#include <string>

#include <eport/vcard/personalise.hpp>
#include <eport/vcard/piv.hpp>

#include "hex.hpp"

namespace eport::vcard::tool {

namespace {

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(len));
}

std::string asn1_time(const ASN1_TIME* t) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
  ASN1_TIME_print_ex(bio.get(), t, ASN1_DTFLGS_ISO8601);
  return bio_text(bio.get());
}

std::string certificate_line(const Bytes& object) {
  auto der = certificate_from_object(object);
  if (!der) return "certificate object unreadable";
  const unsigned char* p = der->data();
  std::unique_ptr<X509, X509Free> cert(d2i_X509(nullptr, &p, static_cast<long>(der->size())));
  if (!cert) return "certificate not parseable";
  std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
  X509_NAME_print_ex(bio.get(), X509_get_subject_name(cert.get()), 0, XN_FLAG_RFC2253 & ~XN_FLAG_DN_REV);
  return "subject=" + bio_text(bio.get()) + " notBefore=" + asn1_time(X509_get0_notBefore(cert.get())) +
         " notAfter=" + asn1_time(X509_get0_notAfter(cert.get()));
}

}  // namespace

void print_state(std::ostream& out, const CardState& s) {
  out << "serial: " << s.serial << "\n";
  out << "version: " << int(s.version[0]) << "." << int(s.version[1]) << "." << int(s.version[2]) << "\n";
  out << "kind: " << (s.plain_piv ? "plain PIV (no YubiKey extensions)" : "YubiKey-style PIV") << "\n";
  out << "pin: tries " << int(s.pin.remaining) << "/" << int(s.pin.max_tries)
      << (s.pin.hash == s.pin.default_hash ? " (default)" : "") << "\n";
  out << "puk: tries " << int(s.puk.remaining) << "/" << int(s.puk.max_tries)
      << (s.puk.hash == s.puk.default_hash ? " (default)" : "") << "\n";
  bool default_key =
      s.management_algorithm == piv::alg::tdes && s.management_key == piv::default_management_key();
  out << "management key: " << piv::algorithm_name(s.management_algorithm)
      << (default_key ? " (default)" : "") << "\n";
  std::set<uint8_t> slots;
  for (const auto& [slot, key] : s.keys) slots.insert(slot);
  for (uint8_t slot = 0x82; slot != 0; ++slot) {
    auto tag = piv::certificate_tag(slot);
    if (tag && s.objects.count(*tag)) slots.insert(slot);
  }
  for (uint8_t slot : slots) {
    out << "slot " << to_hex(&slot, 1) << ":";
    auto k = s.keys.find(slot);
    if (k != s.keys.end()) {
      out << " key " << piv::algorithm_name(k->second.algorithm)
          << (k->second.origin == piv::origin_imported ? " imported" : " generated");
    } else {
      out << " no key";
    }
    auto obj = s.objects.find(*piv::certificate_tag(slot));
    out << "; " << (obj != s.objects.end() ? certificate_line(obj->second) : "no certificate") << "\n";
  }
}

}  // namespace eport::vcard::tool
