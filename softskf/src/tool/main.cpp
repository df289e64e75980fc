// eport-softskf: makes and inspects soft SKF devices for libeport-softskf.so (docs/softskf.md).
#include <sys/stat.h>

#include <cstdlib>
#include <ctime>
#include <iostream>

#include <CLI/CLI.hpp>
#include <eport/softskf/crypto.hpp>
#include <eport/softskf/personalise.hpp>
#include <eport/softskf/state.hpp>

#include "tool_commands.hpp"

namespace {

using namespace eport::softskf;

struct InitArgs {
  std::string dir;
  InitOptions options;
  std::vector<std::string> certs;
};

int do_init(InitArgs& a) {
  for (const auto& text : a.certs) a.options.certificates.push_back(parse_certificate_request(text));
  const DeviceState state = personalise(a.options, std::time(nullptr));
  ::mkdir(a.dir.c_str(), 0700);
  const std::string path = device_file(a.dir, state.serial);
  save_state(path, state);  // atomic: the key appears complete or not at all
  std::cout << "eport-softskf: device " << state.serial << " plugged in as " << path << "\n"
            << describe_state(state);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"eport-softskf: soft SKF (GM/T 0016) USBKeys for libeport-softskf.so"};
  app.require_subcommand(1);

  InitArgs init;
  auto* cmd_init = app.add_subcommand("init", "make a device (a state file in DIR: the key is plugged in)");
  cmd_init->add_option("--dir", init.dir, "device directory (EPORT_SOFTSKF_DIR of the library)")->required();
  cmd_init->add_option("--serial", init.options.serial, "serial number, also the device name")->required();
  cmd_init->add_option("--user-pin", init.options.user_pin, "user PIN, 6-16 characters (default 88888888)");
  cmd_init->add_option("--admin-pin", init.options.admin_pin,
                       "admin PIN, 6-16 characters (default 12345678)");
  cmd_init->add_option("--user-tries", init.options.user_tries, "user PIN tries (default 6)");
  cmd_init->add_option("--admin-tries", init.options.admin_tries, "admin PIN tries (default 10)");
  cmd_init->add_option(
      "--cert", init.certs,
      "CONTAINER:sign|enc:sm2|rsa2048:DAYS, e.g. c1:sign:sm2:3650 or c1:enc:sm2:-5 (expired)");
  cmd_init->add_option("--label", init.options.label, "device label (default 'eport soft SKF <serial>')");
  cmd_init->add_option("--application", init.options.application, "application name (default EPORT)");
  cmd_init->add_option("--subject", init.options.subject, "certificate subject, /CN=Alice/O=Example");

  tool::Target show;
  bool show_json = false;
  auto* cmd_show = app.add_subcommand("show", "print the state of a device (or of every device in DIR)");
  cmd_show->add_option("--dir", show.dir, "device directory")->required();
  cmd_show->add_option("--serial", show.serial, "device (default: all)");
  cmd_show->add_flag("--json", show_json, "machine-readable summary");

  tool::Target pull;
  tool::PullOptions pull_options;
  auto* cmd_pull = app.add_subcommand("pull-at", "test hook: pull the key when an SKF function is reached");
  cmd_pull->add_option("--dir", pull.dir, "device directory")->required();
  cmd_pull->add_option("--serial", pull.serial, "device")->required();
  cmd_pull->add_option("function", pull_options.function, "e.g. SKF_ImportCertificate");
  cmd_pull->add_flag("--after", pull_options.after, "pull after the function acted (default: before)");
  cmd_pull->add_option("--skip", pull_options.skip, "calls to let through first (default 0)");
  cmd_pull->add_flag("--clear", pull_options.clear, "disarm");

  tool::Target key;
  std::string container, usage = "sign";
  auto* cmd_key = app.add_subcommand("public-key", "print a container's public key (PEM)");
  cmd_key->add_option("--dir", key.dir, "device directory")->required();
  cmd_key->add_option("--serial", key.serial, "device")->required();
  cmd_key->add_option("--container", container, "container name")->required();
  cmd_key->add_option("--usage", usage, "sign or enc (default sign)")->check(CLI::IsMember({"sign", "enc"}));

  tool::Target verify;
  tool::VerifyOptions verify_options;
  auto* cmd_verify =
      app.add_subcommand("verify-pin", "verify a PIN through the SKF API (spends a try if wrong)");
  cmd_verify->add_option("--dir", verify.dir, "device directory")->required();
  cmd_verify->add_option("--serial", verify.serial, "device")->required();
  cmd_verify->add_option("--application", verify_options.application, "application (default: the first)");
  auto* user = cmd_verify->add_option("--user-pin", verify_options.pin, "the user PIN");
  auto* admin = cmd_verify->add_option("--admin-pin", verify_options.pin, "the admin PIN");
  user->excludes(admin);
  verify_options.admin = false;

  CLI11_PARSE(app, argc, argv);
  try {
    if (*cmd_init) return do_init(init);
    if (*cmd_show) return tool::show(show, show_json);
    if (*cmd_pull) return tool::arm_pull(pull, pull_options);
    if (*cmd_key) return tool::print_public_key(key, container, usage == "sign");
    if (*cmd_verify) {
      if (!*user && !*admin) throw std::invalid_argument("verify-pin: give --user-pin or --admin-pin");
      verify_options.admin = static_cast<bool>(*admin);
      return tool::verify_pin(verify, verify_options);
    }
  } catch (const std::exception& e) {
    std::cerr << "eport-softskf: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
