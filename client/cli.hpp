#pragma once
// Command-line parsing with CLI11: subcommands, global options, help with examples.

#include "i18n.hpp"
#include "options.hpp"

#include <optional>
#include <ostream>

namespace eport::client {

/// Exit code for a command line that cannot be understood (BSD EX_USAGE).
inline constexpr int kExitUsage = 64;

/// The language for help texts before full parsing: --lang from argv, else the locale.
Lang early_lang(int argc, const char* const* argv, const EnvLookup& env);

/// Parses argv into `opts`. Returns an exit code when the run ends here (help, --version, usage
/// error; messages written to out/err), nullopt when a command should run.
std::optional<int> parse_command_line(int argc, const char* const* argv, const EnvLookup& env, Options& opts,
                                      std::ostream& out, std::ostream& err);

}  // namespace eport::client
