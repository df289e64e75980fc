#include "cli.hpp"

#include <CLI/CLI.hpp>

#include <string_view>

#ifndef EPORT_VERSION
#define EPORT_VERSION "0.0.0"
#endif

namespace eport::client {

Lang early_lang(int argc, const char* const* argv, const EnvLookup& env) {
  for (int i = 1; i < argc; ++i) {
    std::string_view a(argv[i]);
    std::optional<Lang> l;
    if (a == "--lang" && i + 1 < argc) l = parse_lang(argv[i + 1]);
    else if (a.rfind("--lang=", 0) == 0) l = parse_lang(a.substr(7));
    if (l) return *l;
  }
  return detect_lang(env);
}

namespace {

void add_token_subcommands(CLI::App& app, Lang lang, Options& o) {
  auto T = [lang](const char* key) { return tr(lang, key); };
  auto* status = app.add_subcommand("status", T("cli.status"));
  status->add_option("TOKEN", o.token, T("cli.opt.token_optional"));
  status->footer(T("cli.status.examples"));
  app.add_subcommand("tokens", T("cli.tokens"))->footer(T("cli.tokens.examples"));
  app.add_subcommand("readers", T("cli.readers"))->footer(T("cli.readers.examples"));
  auto* check = app.add_subcommand("check", T("cli.check"));
  check->add_option("TOKEN", o.token, T("cli.opt.token_optional"));
  check
      ->add_option_function<int>(
          "--warn-days", [&o](const int& v) { o.warn_days = v; }, T("cli.opt.warn_days"))
      ->check(CLI::NonNegativeNumber);
  check->footer(T("cli.check.examples"));
}

void add_admin_subcommands(CLI::App& app, Lang lang, Options& o) {
  auto T = [lang](const char* key) { return tr(lang, key); };
  auto* unlock = app.add_subcommand("unlock", T("cli.unlock"));
  unlock->add_option("TOKEN", o.token, T("cli.opt.token"))->required();
  unlock->add_flag("--puk-stdin", o.puk_stdin, T("cli.opt.puk_stdin"));
  unlock->footer(T("cli.unlock.examples"));
  auto* renew = app.add_subcommand("renew", T("cli.renew"));
  renew->add_option("TOKEN", o.token, T("cli.opt.token"))->required();
  renew->add_option("--slot", o.slot, T("cli.opt.slot"));  // checked against the token's own slots
  renew->add_option("--cert", o.cert_file, T("cli.opt.cert"))->required()->check(CLI::ExistingFile);
  renew->add_flag("--reset-pin", o.reset_pin, T("cli.opt.reset_pin"));
  renew->add_flag("-y,--yes", o.yes, T("cli.opt.yes"));
  renew->add_flag("--force", o.force, T("cli.opt.force"));
  renew->add_option("--management-key-file", o.management_key_file, T("cli.opt.mgm_key_file"))
      ->check(CLI::ExistingFile);
  renew->add_flag("--puk-stdin", o.puk_stdin, T("cli.opt.puk_stdin"));
  renew->add_flag("--with-pin", o.with_pin, T("cli.opt.with_pin"));
  renew->footer(T("cli.renew.examples"));
  auto* change = app.add_subcommand("change-pin", T("cli.change_pin"));
  change->add_option("TOKEN", o.token, T("cli.opt.token"))->required();
  change->add_flag("--stdin", o.pins_stdin, T("cli.opt.pins_stdin"));
  change->footer(T("cli.change_pin.examples"));
  auto* verify = app.add_subcommand("verify-pin", T("cli.verify_pin"));
  verify->add_option("TOKEN", o.token, T("cli.opt.token"))->required();
  verify->add_flag("--stdin", o.pins_stdin, T("cli.opt.pin_stdin"));
  verify->footer(T("cli.verify_pin.examples"));
}

void add_other_subcommands(CLI::App& app, Lang lang, Options& o) {
  auto T = [lang](const char* key) { return tr(lang, key); };
  app.add_subcommand("watch", T("cli.watch"))->footer(T("cli.watch.examples"));
  auto* doctor = app.add_subcommand("doctor", T("cli.doctor"));
  doctor->add_option("--bundle", o.bundle, T("cli.opt.bundle"));
  doctor->add_option("--lines", o.bundle_lines, T("cli.opt.bundle_lines"))->check(CLI::Range(1, 10000));
  doctor->footer(T("cli.doctor.examples"));
  auto* audit = app.add_subcommand("audit", T("cli.audit"));
  audit->add_option("-n,--limit", o.audit_limit, T("cli.opt.limit"))->check(CLI::PositiveNumber);
  audit->footer(T("cli.audit.examples"));
  app.add_subcommand("open", T("cli.open"))->footer(T("cli.open.examples"));
  auto* call = app.add_subcommand("call", T("cli.call"));
  call->add_option("METHOD", o.method, T("cli.opt.method"))->required();
  call->add_option("JSON", o.params, T("cli.opt.params"));
  call->footer(T("cli.call.examples"));
}

}  // namespace

std::optional<int> parse_command_line(int argc, const char* const* argv, const EnvLookup& env, Options& o,
                                      std::ostream& out, std::ostream& err) {
  const Lang lang = early_lang(argc, argv, env);
  auto T = [lang](const char* key) { return tr(lang, key); };
  CLI::App app{T("cli.description"), "eportctl"};
  app.set_version_flag("--version", std::string("eportctl ") + EPORT_VERSION, T("cli.opt.version"));
  app.set_help_flag("-h,--help", T("cli.opt.help"));
  app.fallthrough();
  app.require_subcommand(1);
  app.footer(T("cli.examples"));
  app.add_option("--socket", o.socket, T("cli.opt.socket") + " [env: EPORTCTL_SOCKET]");
  app.add_flag("--json", o.json, T("cli.opt.json"));
  app.add_option("--lang", o.lang, T("cli.opt.lang"))->check(CLI::IsMember({"en", "zh"}));
  add_token_subcommands(app, lang, o);
  add_admin_subcommands(app, lang, o);
  add_other_subcommands(app, lang, o);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e, out, err);
    return code == 0 ? 0 : kExitUsage;
  }
  if (o.socket.empty()) {
    const char* from_env = env("EPORTCTL_SOCKET");
    o.socket = from_env != nullptr && *from_env != '\0' ? from_env : kDefaultSocket;
  }
  o.command = app.get_subcommands().front()->get_name();
  return std::nullopt;
}

}  // namespace eport::client
