#pragma once
// eportctl doctor --bundle: everything the help desk asks a caller for, gathered into one
// .tar.gz — diag.report, daemon.info, versions, the configuration with secrets and key paths
// redacted, the last log lines, the last audit records (admin only), readers, tokens and USB
// devices, the metrics — and a README that says what is in it and what could not be had.
// Nothing in it is a PIN, a PUK or a key: eportd never answers one, and the configuration is
// redacted (config_redaction.hpp).

#include <cstddef>
#include <ctime>
#include <string>
#include <vector>

#include "rpc_client.hpp"

namespace eport::client {

/// One file of the bundle.
struct BundleFile {
  std::string name;     ///< path inside the bundle's directory, e.g. "diag.report.json"
  std::string content;  ///< its text
};

/// What went into a bundle, and what could not (one sentence each: what, and why).
struct Bundle {
  std::vector<BundleFile> files;     ///< in the order they are written
  std::vector<std::string> missing;  ///< e.g. "audit.tail.json: needs the admin role ..."
  std::time_t made = 0;              ///< when it was gathered
};

/// What to gather.
struct BundleOptions {
  std::size_t lines = 200;                              ///< log lines and audit records
  std::string config_file = "/etc/eportd/eportd.yaml";  ///< used when eportd does not say
  std::string doctor_json;                              ///< doctor's checklist (--json), may be ""
};

/// Gathers the bundle. `rpc` is null when eportd could not be reached; `connect_problem` then
/// says why (it goes into the README, and the rest is still gathered).
Bundle gather_bundle(RpcClient* rpc, const std::string& connect_problem, const BundleOptions& options);

/// The README.txt of a bundle: when, who, what each file holds, what is missing.
std::string bundle_readme(const Bundle& bundle);

/// Writes the bundle as a .tar.gz (mode 0600) at `path`, every file under one directory named
/// eportd-bundle-<host>-<UTC time>; returns that directory name. Throws std::runtime_error.
std::string write_bundle(const Bundle& bundle, const std::string& path);

}  // namespace eport::client
