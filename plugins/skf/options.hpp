#pragma once
// The plug-in's options (eportd.yaml `drivers: - name: skf, options: {...}`, JSON at init).
#include <cstdint>
#include <string>
#include <vector>

namespace eport::skf {

/// One configured vendor library.
struct LibraryOptions {
  std::string path;         ///< `library`: the SKF library to dlopen
  std::string label;        ///< `label`: part of token ids; default from the file name
  std::string application;  ///< `application`: whose PINs are the token's; "" = the first listed
  bool events = true;       ///< `events: poll` turns SKF_WaitForDevEvent off (library bugs)
};

/// Everything the plug-in can be told.
struct Options {
  std::vector<LibraryOptions> libraries;  ///< `libraries`
  std::uint32_t lock_timeout_ms = 5000;   ///< `lock_timeout_ms`: SKF_LockDev bound; 0 = no lock
  std::size_t min_pin_length = 6;         ///< `min_pin_length`: shortest new PIN sent to a key
  std::size_t max_pin_length = 16;        ///< `max_pin_length`: longest new PIN sent to a key
};

/// The label a library gets without one: the file name without directories, a leading "lib"
/// and the ".so…" suffix, characters outside [A-Za-z0-9._-] as '_' ("libvendor_skf.so.1" →
/// "vendor_skf").
std::string default_label(const std::string& path);

/// Parses the options object. Throws SkfError BAD_ARGS naming the key for a wrong type, an
/// empty or duplicate label, a label with characters outside [A-Za-z0-9._-] or longer than 32,
/// or the same library file configured twice (one library's device events cannot serve two).
Options parse_options(const char* json_text);

}  // namespace eport::skf
