// eport-vcard: a virtual PIV card for vpcd (see docs/vcard.md).
#include <fstream>
#include <iostream>
#include <sstream>

#include <CLI/CLI.hpp>

#include <eport/vcard/card_state.hpp>
#include <eport/vcard/personalise.hpp>
#include <eport/vcard/piv.hpp>

#include "hex.hpp"
#include "run_command.hpp"
#include "show_command.hpp"

namespace {

using namespace eport::vcard;

std::string read_file(const std::string& path, const char* option) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::invalid_argument(std::string(option) + ": cannot read " + path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct InitArgs {
  std::string state;
  std::optional<uint32_t> serial;
  PersonaliseOptions options;
  std::string management_key_hex, management_alg, ca_key, ca_cert;
  std::vector<std::string> certs;
  int pin_tries = 3, puk_tries = 3;
};

uint8_t management_algorithm(const std::string& name, std::size_t key_length) {
  if (name.empty()) {
    if (key_length == 16) return piv::alg::aes128;
    if (key_length == 32) return piv::alg::aes256;
    return piv::alg::tdes;
  }
  if (name == "3des" || name == "tdes") return piv::alg::tdes;
  if (name == "aes128") return piv::alg::aes128;
  if (name == "aes192") return piv::alg::aes192;
  if (name == "aes256") return piv::alg::aes256;
  throw std::invalid_argument("--management-alg: expected 3des, aes128, aes192 or aes256");
}

int do_init(InitArgs& a) {
  PersonaliseOptions& o = a.options;
  o.serial = a.serial;
  if (!a.management_key_hex.empty()) o.management_key = from_hex(a.management_key_hex);
  o.management_algorithm = management_algorithm(a.management_alg, o.management_key.size());
  if (a.pin_tries < 1 || a.pin_tries > 15 || a.puk_tries < 1 || a.puk_tries > 15) {
    throw std::invalid_argument("--pin-tries/--puk-tries: 1 to 15");
  }
  o.pin_tries = static_cast<uint8_t>(a.pin_tries);
  o.puk_tries = static_cast<uint8_t>(a.puk_tries);
  for (const auto& c : a.certs) o.certificates.push_back(parse_certificate_request(c));
  if (!a.ca_key.empty()) o.ca_key_pem = read_file(a.ca_key, "--ca-key");
  if (!a.ca_cert.empty()) o.ca_cert_pem = read_file(a.ca_cert, "--ca-cert");
  CardState state = personalise(o, std::time(nullptr));
  save_state(a.state, state);
  std::cout << "eport-vcard: personalised " << a.state << "\n";
  tool::print_state(std::cout, state);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"eport-vcard: a virtual PIV card (YubiKey-style) that plugs into vpcd"};
  app.require_subcommand(1);

  InitArgs init;
  auto* cmd_init = app.add_subcommand("init", "create (or overwrite) a personalised card state file");
  cmd_init->add_option("--state", init.state, "state file to write (mode 0600)")->required();
  cmd_init->add_option("--serial", init.serial, "card serial number (default: random 8 digits)");
  cmd_init->add_option("--pin", init.options.pin, "PIN, 6-8 characters (default 88888888)");
  cmd_init->add_option("--puk", init.options.puk, "PUK, 6-8 characters (default 12345678)");
  cmd_init->add_option("--management-key", init.management_key_hex,
                       "management key in hex (default 0102030405060708 x3, 3DES)");
  cmd_init->add_option("--management-alg", init.management_alg,
                       "3des, aes128, aes192, aes256 (default: from the key length; 24 bytes = 3des)");
  cmd_init->add_option("--pin-tries", init.pin_tries, "PIN tries before blocking (default 3)");
  cmd_init->add_option("--puk-tries", init.puk_tries, "PUK tries before blocking (default 3)");
  cmd_init->add_option("--cert", init.certs,
                       "SLOT:ALG:DAYS, e.g. 9a:rsa2048:3650 or 9c:p256:-5 (expired 5 days ago)");
  cmd_init->add_option("--ca-key", init.ca_key, "issuer private key (PEM); default self-signed");
  cmd_init->add_option("--ca-cert", init.ca_cert, "issuer certificate (PEM)");
  cmd_init->add_option("--subject", init.options.subject, "subject DN, /CN=Alice/O=Example");
  cmd_init->add_flag("--cert-gzip", init.options.gzip_certificates, "store certificates gzip-compressed");
  cmd_init->add_flag("--plain-piv", init.options.plain_piv,
                     "a plain PIV card: no YubiKey extensions (GET METADATA, GET SERIAL, GET VERSION, ...)");

  tool::RunOptions run;
  std::string endpoint;
  auto* cmd_run = app.add_subcommand("run", "plug the card into vpcd and answer APDUs");
  cmd_run->add_option("--state", run.state_path, "state file (saved after every change)")->required();
  cmd_run->add_option("--vpcd", endpoint, "vpcd HOST:PORT (loopback only)")->required();
  cmd_run->add_option("--apdu-log", run.apdu_log, "append '<time> <command> <response>' per APDU");
  cmd_run->add_option("--drop-after", run.drop_after, "pull the card after N APDUs and exit 0");
  cmd_run->add_option("--mute-after", run.mute_after, "stop answering after N APDUs");
  cmd_run->add_option("--delay-ms", run.delay_ms, "wait this long before every answer");
  cmd_run
      ->add_option("--corrupt-writes", run.corrupt_writes,
                   "store PUT DATA with one byte changed: every one, or only the first N")
      ->expected(0, 1)
      ->default_str("-1");

  std::string show_path;
  auto* cmd_show = app.add_subcommand("show", "print a card state file");
  cmd_show->add_option("--state", show_path, "state file")->required();

  CLI11_PARSE(app, argc, argv);
  try {
    if (*cmd_init) return do_init(init);
    if (*cmd_run) {
      tool::parse_endpoint(endpoint, run);
      return tool::run_card(run);
    }
    if (*cmd_show) {
      tool::print_state(std::cout, load_state(show_path));
      return 0;
    }
  } catch (const std::exception& e) {
    std::cerr << "eport-vcard: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
