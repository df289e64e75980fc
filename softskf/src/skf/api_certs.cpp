// Certificates and public keys: SKF_ImportCertificate (needs the user PIN verified, as the
// standard's access rules say), SKF_ExportCertificate, SKF_ExportPublicKey.
#include <eport/softskf/crypto.hpp>

#include "api_support.hpp"

using namespace eport::softskf;

namespace {
KeySlot& half(Container& c, BOOL sign) { return sign != 0 ? c.sign : c.enc; }
}  // namespace

extern "C" {

SOFTSKF_API ULONG SKF_ImportCertificate(HCONTAINER hContainer, BOOL bSignFlag, BYTE* pbCert,
                                        ULONG ulCertLen) {
  return guarded([&]() -> ULONG {
    if (pbCert == nullptr || ulCertLen == 0 || ulCertLen > 8192) return SAR_INVALIDPARAMERR;
    const Bytes der(pbCert, pbCert + ulCertLen);
    return on_container(hContainer, "SKF_ImportCertificate",
                        [&](DeviceCall& call, Application& app, Container& c) -> ULONG {
                          if (app.logged_in != "user") return SAR_USER_NOT_LOGGED_IN;
                          if (!is_certificate(der)) return SAR_INDATAERR;
                          half(c, bSignFlag).certificate = der;
                          call.changed();
                          return SAR_OK;
                        });
  });
}

SOFTSKF_API ULONG SKF_ExportCertificate(HCONTAINER hContainer, BOOL bSignFlag, BYTE* pbCert,
                                        ULONG* pulCertLen) {
  return guarded([&]() -> ULONG {
    if (pulCertLen == nullptr) return SAR_INVALIDPARAMERR;
    return on_container(hContainer, "SKF_ExportCertificate", [&](DeviceCall&, Application&, Container& c) {
      const Bytes& der = half(c, bSignFlag).certificate;
      if (der.empty()) return SAR_CERTNOTFOUNTERR;
      return put_bytes(der, pbCert, pulCertLen);
    });
  });
}

SOFTSKF_API ULONG SKF_ExportPublicKey(HCONTAINER hContainer, BOOL bSignFlag, BYTE* pbBlob,
                                      ULONG* pulBlobLen) {
  return guarded([&]() -> ULONG {
    if (pulBlobLen == nullptr) return SAR_INVALIDPARAMERR;
    return on_container(hContainer, "SKF_ExportPublicKey", [&](DeviceCall&, Application&, Container& c) {
      const Bytes& key = half(c, bSignFlag).private_key;
      if (key.empty()) return SAR_KEYNOTFOUNTERR;
      return put_bytes(public_key_blob(key), pbBlob, pulBlobLen);
    });
  });
}

}  // extern "C"
