#pragma once
// eport-skf.so loaded by the host's loader (drivers::load_drivers) with the soft SKF token's
// libraries as its vendor libraries, each reading devices from a private temporary directory.
#include <memory>
#include <string>
#include <vector>

#include <eport/softskf/personalise.hpp>
#include <eport/softskf/state.hpp>
#include <nlohmann/json.hpp>

#include "drivers/driver.hpp"
#include "drivers/loader.hpp"

namespace skf_test {

using eport::softskf::Bytes;

/// A temporary directory removed on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

/// Device directories of both soft libraries (EPORT_SOFTSKF_DIR, EPORT_SOFTSKF_BOOL64_DIR) and
/// the plug-in loaded with `options`.
class SkfFixture {
 public:
  /// Options naming the standard soft library ("soft"); lock_timeout_ms 300.
  static nlohmann::json default_options();
  explicit SkfFixture(nlohmann::json options = default_options());
  ~SkfFixture();

  /// The loaded driver (REQUIREd to load).
  eport::drivers::Driver& driver();
  /// What the loader reported.
  const eport::drivers::LoadResult& load() const { return load_; }
  /// The soft library's device directory; `bool64` for the 8-byte-BOOL library's.
  std::string dir(bool bool64 = false) const { return bool64 ? dir64_.path() : dir_.path(); }

  /// A device with application "A", container "c": SM2 sign and enc keys and certificates.
  std::string add_device(const std::string& serial, bool bool64 = false, int admin_tries = 10);
  /// The device's state now.
  eport::softskf::DeviceState state(const std::string& serial, bool bool64 = false) const;
  /// Writes a device's state (e.g. counters set by hand).
  void save(const std::string& serial, const eport::softskf::DeviceState& state, bool bool64 = false) const;

  /// The token with this serial from enumerate(), opened by its key (the id).
  eport::drivers::TokenHandle open(const std::string& serial);
  /// enumerate() REQUIREd to succeed.
  std::vector<eport::drivers::TokenIdentity> tokens();

 private:
  TempDir dir_, dir64_;
  eport::drivers::LoadResult load_;
};

/// A self-signed SM2 certificate for `private_key` (or a fresh key).
Bytes sm2_certificate(const Bytes& private_key = {}, int days = 3650);

/// The host-side channel argument for token providers.
eport::drivers::CardChannel& no_channel();

}  // namespace skf_test
