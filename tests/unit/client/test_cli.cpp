#include "cli.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <sstream>
#include <vector>

using namespace eport::client;

namespace {
struct Parsed {
  std::optional<int> code;
  Options opts;
  std::string out, err;
};

Parsed parse(std::vector<const char*> args, std::map<std::string, std::string> env = {}) {
  args.insert(args.begin(), "eportctl");
  EnvLookup lookup = [env](const char* n) -> const char* {
    static thread_local std::string value;
    auto it = env.find(n);
    if (it == env.end()) return nullptr;
    value = it->second;
    return value.c_str();
  };
  Parsed p;
  std::ostringstream out, err;
  p.code = parse_command_line(static_cast<int>(args.size()), args.data(), lookup, p.opts, out, err);
  p.out = out.str();
  p.err = err.str();
  return p;
}
}  // namespace

TEST_CASE("status takes an optional token and the default socket", "[client][cli]") {
  auto p = parse({"status"});
  REQUIRE_FALSE(p.code);
  CHECK(p.opts.command == "status");
  CHECK(p.opts.token.empty());
  CHECK(p.opts.socket == "/run/eportd/eportd.sock");
  auto q = parse({"status", "piv:0001e240"});
  CHECK(q.opts.token == "piv:0001e240");
}

TEST_CASE("global options work before and after the subcommand", "[client][cli]") {
  auto p = parse({"--json", "status", "--socket", "/tmp/x.sock", "--lang", "zh"});
  REQUIRE_FALSE(p.code);
  CHECK(p.opts.json);
  CHECK(p.opts.socket == "/tmp/x.sock");
  CHECK(p.opts.lang == "zh");
}

TEST_CASE("EPORTCTL_SOCKET sets the socket unless --socket is given", "[client][cli]") {
  CHECK(parse({"tokens"}, {{"EPORTCTL_SOCKET", "/env.sock"}}).opts.socket == "/env.sock");
  CHECK(parse({"--socket", "/arg.sock", "tokens"}, {{"EPORTCTL_SOCKET", "/env.sock"}}).opts.socket ==
        "/arg.sock");
}

TEST_CASE("check parses --warn-days", "[client][cli]") {
  auto p = parse({"check", "--warn-days", "30"});
  REQUIRE_FALSE(p.code);
  REQUIRE(p.opts.warn_days);
  CHECK(*p.opts.warn_days == 30);
  CHECK_FALSE(parse({"check"}).opts.warn_days);
  CHECK(parse({"check", "--warn-days", "-4"}).code == kExitUsage);
}

TEST_CASE("unlock needs a token and never accepts the PUK as an argument", "[client][cli]") {
  CHECK(parse({"unlock"}).code == kExitUsage);
  CHECK(parse({"unlock", "piv:1", "--puk", "12345678"}).code == kExitUsage);
  auto p = parse({"unlock", "piv:1", "--puk-stdin"});
  REQUIRE_FALSE(p.code);
  CHECK(p.opts.puk_stdin);
}

TEST_CASE("renew needs an existing certificate file; the slot is the token's to check", "[client][cli]") {
  CHECK(parse({"renew", "piv:1"}).code == kExitUsage);
  CHECK(parse({"renew", "piv:1", "--cert", "/nonexistent/file.pem"}).code == kExitUsage);
  // Any slot name passes the command line (a PKCS#11 key id, an SKF container slot): renew
  // checks it against the token's own slots (token.status `slots`).
  CHECK_FALSE(parse({"renew", "p11:softhsm:1", "--cert", "/etc/hostname", "--slot", "a1b2c3"}).code);
  CHECK(parse({"renew", "piv:1", "--cert", "/etc/hostname"}).opts.slot.empty());
  auto p = parse({"renew", "piv:1", "--cert", "/etc/hostname", "--slot", "9C", "--yes", "--reset-pin"});
  REQUIRE_FALSE(p.code);
  CHECK(p.opts.slot == "9C");
  CHECK(p.opts.yes);
  CHECK(p.opts.reset_pin);
  // An SKF USBKey's slot: eportd answers -32602 naming the token's slots when it has no such slot.
  auto skf =
      parse({"renew", "skf:soft:1", "--cert", "/etc/hostname", "--slot", "EPORT/c1/sign", "--with-pin"});
  REQUIRE_FALSE(skf.code);
  CHECK(skf.opts.slot == "EPORT/c1/sign");
  CHECK(skf.opts.with_pin);
}

TEST_CASE("a missing or unknown subcommand is a usage error", "[client][cli]") {
  CHECK(parse({}).code == kExitUsage);
  CHECK(parse({"frobnicate"}).code == kExitUsage);
  CHECK(parse({"--lang", "fr", "status"}).code == kExitUsage);
}

TEST_CASE("the help shows the help-desk examples and exits 0", "[client][cli]") {
  auto p = parse({"--help"});
  REQUIRE(p.code == 0);
  CHECK_THAT(p.out, Catch::Contains("eportctl unlock piv:0001e240") && Catch::Contains("doctor"));
  auto zh = parse({"--help"}, {{"LANG", "zh_CN.UTF-8"}});
  CHECK_THAT(zh.out, Catch::Contains("服务台操作步骤"));
  auto sub = parse({"unlock", "--help"});
  CHECK_THAT(sub.out, Catch::Contains("--puk-stdin"));
}

TEST_CASE("the version flag prints the version and exits 0", "[client][cli]") {
  auto p = parse({"--version"});
  CHECK(p.code == 0);
  CHECK_THAT(p.out, Catch::StartsWith("eportctl "));
}

TEST_CASE("call takes a method and optional JSON", "[client][cli]") {
  auto p = parse({"call", "token.status", "{\"token\":\"x\"}"});
  REQUIRE_FALSE(p.code);
  CHECK(p.opts.method == "token.status");
  CHECK(p.opts.params == "{\"token\":\"x\"}");
  CHECK(parse({"audit", "-n", "5"}).opts.audit_limit == 5);
}
