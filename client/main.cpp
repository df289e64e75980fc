// eportctl: the help desk's diagnostic client for eportd (see docs/eportctl.md).
#include "cli.hpp"
#include "commands/commands.hpp"
#include "invocation.hpp"
#include "terminal.hpp"

#include <cstdlib>
#include <iostream>

int main(int argc, char** argv) {
  using namespace eport::client;
  const EnvLookup env = [](const char* name) -> const char* { return std::getenv(name); };
  Options opts;
  if (auto code = parse_command_line(argc, argv, env, opts, std::cout, std::cerr)) return *code;
  // Unbuffered: lines must be out before a prompt appears on /dev/tty, and watch streams.
  std::cout << std::unitbuf;
  Lang lang = opts.lang.empty() ? detect_lang(env) : parse_lang(opts.lang).value_or(Lang::en);
  TerminalPrompter prompter(opts.puk_stdin || opts.pins_stdin);
  Invocation inv{opts, lang, make_style(stdout_is_terminal(), env), std::cout, std::cerr, prompter};
  try {
    return run_command(inv);
  } catch (const std::exception& e) {
    return inv.report({"internal", e.what(), tr(lang, "error.internal.todo")}, exit_failed);
  }
}
