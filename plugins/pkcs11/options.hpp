#pragma once
// The plug-in's options (eportd.yaml drivers[].options, handed over as JSON):
//
//   modules:
//     - module: /usr/lib/softhsm/libsofthsm2.so   # path of a PKCS#11 module
//       label: softhsm                             # optional; default from the file name
//   p11-kit: false        # true: also the modules registered on the system (libp11-kit)

#include <string>
#include <vector>

namespace eport::pkcs11 {

/// One configured module.
struct ModuleOption {
  std::string module;  ///< absolute path of the module
  std::string label;   ///< token ids are "p11:<label>:<serial>"
};

/// All options.
struct Options {
  std::vector<ModuleOption> modules;  ///< in configuration order
  bool p11_kit = false;               ///< also load the modules p11-kit knows
};

/// Parses the options; throws P11Error(EPORT_ERR_BAD_ARGS) naming what is wrong.
Options parse_options(const char* json_text);

/// The default label of a module file: its name without directory, "lib" prefix and ".so..."
/// ("/usr/lib/softhsm/libsofthsm2.so" -> "softhsm2", "opensc-pkcs11.so" -> "opensc-pkcs11").
std::string label_from_path(const std::string& path);

/// True when `label` is usable in a token id: 1-32 of [A-Za-z0-9._-].
bool valid_label(const std::string& label);

}  // namespace eport::pkcs11
