#pragma once
// A private device directory per test (EPORT_SOFTSKF_DIR points at it) and small helpers to
// drive the soft token through its SKF functions in-process.
#include <string>
#include <vector>

#include <eport/softskf/skf.h>
#include <eport/softskf/personalise.hpp>
#include <eport/softskf/state.hpp>

namespace softskf_test {

using eport::softskf::Bytes;

/// A fresh temporary directory, set as EPORT_SOFTSKF_DIR (and EPORT_SOFTSKF_BOOL64_DIR) for
/// the test's lifetime; removed afterwards.
class DeviceDir {
 public:
  DeviceDir();
  ~DeviceDir();
  DeviceDir(const DeviceDir&) = delete;
  DeviceDir& operator=(const DeviceDir&) = delete;

  const std::string& path() const { return path_; }
  /// Makes a device (as `eport-softskf init`); returns its state file.
  std::string add(eport::softskf::InitOptions options);
  /// A device with one SM2 container "c1" (sign + enc certificates valid 3650 days).
  std::string add_sm2(const std::string& serial);
  /// The state of a device as stored now.
  eport::softskf::DeviceState state(const std::string& serial) const;

 private:
  std::string path_;
};

/// An open device, its first application and (optionally) a container, closed on destruction.
struct Session {
  DEVHANDLE device = nullptr;
  HAPPLICATION app = nullptr;
  HCONTAINER container = nullptr;
  ULONG status = SAR_FAIL;  ///< the first failing SKF status while opening, or SAR_OK

  explicit Session(const std::string& serial, const std::string& container_name = "");
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
};

/// SKF_EnumDev into a right-sized buffer, split into names.
std::vector<std::string> enum_devices();

/// Splits a NUL-separated, double-NUL-ended list.
std::vector<std::string> split_list(const char* list, std::size_t size);

/// SKF_ExportCertificate into a right-sized buffer (empty on error; status in *rv).
Bytes export_certificate(HCONTAINER container, bool sign, ULONG* rv = nullptr);

/// A self-signed certificate for a new SM2 key (not the token's).
Bytes foreign_certificate();

}  // namespace softskf_test
