#pragma once
// Everything a command needs for one run: options, language, style, streams, prompts, the socket.

#include "guidance.hpp"
#include "i18n.hpp"
#include "options.hpp"
#include "reasons.hpp"
#include "rpc_client.hpp"
#include "style.hpp"
#include "terminal.hpp"

#include <nlohmann/json.hpp>

#include <memory>
#include <ostream>

namespace eport::client {

/// Exit codes shared by the commands (check and doctor add their own, see docs/eportctl.md).
enum Exit : int { exit_ok = 0, exit_failed = 1, exit_unreachable = 3, exit_cancelled = 4 };

/// One run of eportctl (its options, language, style, streams, prompts and the way to eportd),
/// built by main and passed to each command. (Not called "context": in the daemon that word
/// already names five different things.)
struct Invocation {
  const Options& opt;  ///< parsed command line
  Lang lang;           ///< output language
  Style style;         ///< colours and symbols for stdout
  std::ostream& out;   ///< results
  std::ostream& err;   ///< errors, progress and warnings
  Prompter& prompter;  ///< where secrets and confirmations come from

  /// Opens a connection to eportd at opt.socket; throws ConnectError.
  std::unique_ptr<RpcClient> connect() const;
  /// Tells the user that a long step is running ("Writing certificate…") on stderr.
  void progress(const std::string& text) const;
  /// Prints one JSON document on stdout (--json mode).
  void print_json(const nlohmann::json& doc) const;
  /// Reports an explained error (human text on stderr, or JSON on stdout) and returns `code`.
  int report(const Explanation& e, int code) const;
  /// Prints a warning line on stderr.
  void warn(const std::string& text) const;
};

/// The guidance texts from eportd's guidance.get, or the built-in ones when it has none.
Guidance fetch_guidance(RpcClient& rpc);

/// Findings with their advice lines as JSON, for --json output.
nlohmann::json findings_json(Lang lang, const std::vector<Finding>& findings, const Guidance& g);

/// Prints the advice for each finding under a "What to do" heading (nothing when none).
void print_advice(const Invocation& inv, const std::vector<Finding>& findings, const Guidance& g);

}  // namespace eport::client
