#include <catch2/catch.hpp>

#include <mutex>
#include <thread>

#include "ipc/dispatcher.hpp"
#include "ipc/error_codes.hpp"
#include "ipc/json_message.hpp"
#include "ipc/params.hpp"

using namespace eport::ipc;
using nlohmann::json;

namespace {

/// A method table with a few test methods and a sink that records every answer.
struct Fixture {
  MethodTable table;
  std::vector<json> answers;
  std::vector<std::pair<std::string, json>> audited;
  std::vector<json> audited_params;

  Fixture() {
    table.add({"echo", Role::all, [](const Request& r, Reply reply) { reply.result(r.params); }, false, ""});
    table.add({"typed", Role::all,
               [](const Request& r, Reply reply) {
                 reply.result({{"n", optional_integer(r.params, "n", 1, 10).value_or(5)}});
               },
               false, ""});
    table.add({"secret.op", Role::admin, [](const Request&, Reply reply) { reply.result(true); }, false, ""});
    table.add({"silent", Role::all, [](const Request&, Reply) {}, false, ""});
    table.add({"throws", Role::all, [](const Request&, Reply) -> void { throw std::runtime_error("boom"); },
               false, ""});
  }

  Dispatcher dispatcher() {
    return Dispatcher(table, AccessPolicy(),
                      [this](const Request& r, const json& response, std::function<void()> send) {
                        audited.emplace_back(r.method, response);
                        audited_params.push_back(r.params);
                        send();
                      });
  }

  json call(const std::string& line, PeerIdentity peer = {0, 0, 42, {}}) {
    answers.clear();
    dispatcher().dispatch(line, CallerContext{peer, nullptr},
                          [this](json answer) { answers.push_back(answer); });
    REQUIRE(answers.size() == 1);
    return answers[0];
  }
};

int code_of(const json& response) { return response["error"]["code"].get<int>(); }

}  // namespace

TEST_CASE("a valid request gets its result with the same id", "[ipc][dispatch]") {
  Fixture f;
  const json answer = f.call(R"({"jsonrpc":"2.0","id":"abc","method":"echo","params":{"x":1}})");
  CHECK(answer["id"] == "abc");
  CHECK(answer["result"]["x"] == 1);
  CHECK(answer["jsonrpc"] == "2.0");
}

TEST_CASE("garbage answers -32700 with a null id", "[ipc][dispatch]") {
  Fixture f;
  const json answer = f.call("this is not json");
  CHECK(code_of(answer) == kParseError);
  CHECK(answer["id"].is_null());
}

TEST_CASE("deeply nested JSON answers -32700 instead of crashing", "[ipc][dispatch]") {
  Fixture f;
  CHECK(code_of(f.call(std::string(100000, '['))) == kParseError);
  CHECK(code_of(f.call(std::string(100000, '{'))) == kParseError);
}

TEST_CASE("requests that are not JSON-RPC 2.0 answer -32600", "[ipc][dispatch]") {
  Fixture f;
  CHECK(code_of(f.call(R"({"id":1,"method":"echo"})")) == kInvalidRequest);
  CHECK(code_of(f.call(R"({"jsonrpc":"1.0","id":1,"method":"echo"})")) == kInvalidRequest);
  CHECK(code_of(f.call(R"({"jsonrpc":"2.0","id":1,"method":5})")) == kInvalidRequest);
  CHECK(code_of(f.call(R"({"jsonrpc":"2.0","id":{},"method":"echo"})")) == kInvalidRequest);
  CHECK(code_of(f.call(R"({"jsonrpc":"2.0","id":1,"method":"echo","params":3})")) == kInvalidRequest);
  CHECK(code_of(f.call(R"("just a string")")) == kInvalidRequest);
  const json batch = f.call(R"([{"jsonrpc":"2.0","id":1,"method":"echo"}])");
  CHECK(code_of(batch) == kInvalidRequest);
  CHECK_THAT(batch["error"]["message"].get<std::string>(), Catch::Contains("batch"));
}

TEST_CASE("an invalid request keeps its id when the id itself is valid", "[ipc][dispatch]") {
  Fixture f;
  CHECK(f.call(R"({"jsonrpc":"1.0","id":7,"method":"echo"})")["id"] == 7);
}

TEST_CASE("an unknown method answers -32601", "[ipc][dispatch]") {
  Fixture f;
  const json answer = f.call(R"({"jsonrpc":"2.0","id":1,"method":"pin.reset"})");
  CHECK(code_of(answer) == kMethodNotFound);
  CHECK(answer["id"] == 1);
}

TEST_CASE("wrong params answer -32602 naming the param", "[ipc][dispatch]") {
  Fixture f;
  const json wrong_type = f.call(R"({"jsonrpc":"2.0","id":1,"method":"typed","params":{"n":"x"}})");
  CHECK(code_of(wrong_type) == kInvalidParams);
  CHECK_THAT(wrong_type["error"]["message"].get<std::string>(), Catch::Contains("'n'"));
  CHECK(code_of(f.call(R"({"jsonrpc":"2.0","id":1,"method":"typed","params":{"n":11}})")) == kInvalidParams);
  CHECK(code_of(f.call(R"({"jsonrpc":"2.0","id":1,"method":"typed","params":[1]})")) == kInvalidParams);
  CHECK(f.call(R"({"jsonrpc":"2.0","id":1,"method":"typed","params":{"n":null}})")["result"]["n"] == 5);
}

TEST_CASE("an admin method refuses a non-admin peer with not_authorized and audits it",
          "[ipc][dispatch][auth]") {
  Fixture f;
  const json refused =
      f.call(R"({"jsonrpc":"2.0","id":1,"method":"secret.op"})", PeerIdentity{65534, 65534, 9, {}});
  CHECK(code_of(refused) == kApplicationError);
  CHECK(refused["error"]["data"]["reason"] == "not_authorized");
  CHECK(refused["error"]["data"]["required"] == "admin");
  REQUIRE(f.audited.size() == 1);
  CHECK(f.audited[0].first == "secret.op");
  const json allowed = f.call(R"({"jsonrpc":"2.0","id":2,"method":"secret.op"})", PeerIdentity{0, 0, 9, {}});
  CHECK(allowed["result"] == true);
  CHECK(f.audited.size() == 2);
}

TEST_CASE("the audit hook gets the token but never another param", "[ipc][dispatch][secrets]") {
  Fixture f;
  f.table.add({"pin.test", Role::all, [](const Request&, Reply reply) { reply.result(true); }, true, ""});
  f.call(R"({"jsonrpc":"2.0","id":1,"method":"pin.test","params":{"token":"piv:1","puk":"27182818"}})");
  REQUIRE(f.audited_params.size() == 1);
  CHECK(f.audited_params[0] == json{{"token", "piv:1"}});
}

TEST_CASE("wipe_strings blanks every string of a params object", "[ipc][dispatch][secrets]") {
  json params = {{"puk", "27182818"}, {"nested", {{"pins", {"123456", "654321"}}}}, {"n", 3}};
  auto& puk = params["puk"].get_ref<std::string&>();
  const char* const data = puk.data();
  wipe_strings(params);
  CHECK(params["puk"] == "");
  CHECK(params["nested"]["pins"] == json{"", ""});
  CHECK(params["n"] == 3);
  CHECK(std::string(data, 8) == std::string(8, '\0'));  // the bytes themselves, not just the size
}

TEST_CASE("a method that is not audited leaves no audit record", "[ipc][dispatch]") {
  Fixture f;
  f.call(R"({"jsonrpc":"2.0","id":1,"method":"echo"})");
  CHECK(f.audited.empty());
}

TEST_CASE("a handler that never answers still produces -32603", "[ipc][dispatch]") {
  Fixture f;
  CHECK(code_of(f.call(R"({"jsonrpc":"2.0","id":1,"method":"silent"})")) == kInternalError);
}

TEST_CASE("a throwing handler answers -32603 and the dispatcher survives", "[ipc][dispatch]") {
  Fixture f;
  CHECK(code_of(f.call(R"({"jsonrpc":"2.0","id":1,"method":"throws"})")) == kInternalError);
  CHECK(f.call(R"({"jsonrpc":"2.0","id":2,"method":"echo"})")["id"] == 2);
}

TEST_CASE("a notification is executed but never answered", "[ipc][dispatch]") {
  Fixture f;
  CHECK(f.call(R"({"jsonrpc":"2.0","method":"echo"})").is_null());
  CHECK(f.call(R"({"jsonrpc":"2.0","method":"nope"})").is_null());
}

TEST_CASE("a reply given later from another thread reaches the sink once", "[ipc][reply]") {
  std::vector<json> answers;
  std::mutex mutex;
  {
    Reply reply(5, [&](json answer) {
      std::lock_guard<std::mutex> lock(mutex);
      answers.push_back(answer);
    });
    std::thread worker([reply] {
      reply.result("late");
      reply.result("twice");
    });
    worker.join();
    CHECK(reply.answered());
  }
  REQUIRE(answers.size() == 1);
  CHECK(answers[0]["result"] == "late");
  CHECK(answers[0]["id"] == 5);
}

TEST_CASE("fail() builds an application error with reason and extra data", "[ipc][reply]") {
  json answer;
  Reply(1, [&](json a) { answer = a; }).fail("wrong_puk", "the PUK was wrong", {{"puk_tries_left", 2}});
  CHECK(answer["error"]["code"] == -32000);
  CHECK(answer["error"]["data"]["reason"] == "wrong_puk");
  CHECK(answer["error"]["data"]["puk_tries_left"] == 2);
}

TEST_CASE("a method name can be registered only once", "[ipc][table]") {
  MethodTable table;
  table.add({"a", Role::all, [](const Request&, Reply r) { r.result(1); }, false, ""});
  CHECK_THROWS_AS(table.add({"a", Role::all, [](const Request&, Reply r) { r.result(1); }, false, ""}),
                  std::logic_error);
  CHECK(table.names() == std::vector<std::string>{"a"});
}

TEST_CASE("the 1e999 id that used to end eportd gets its answer with the id as sent", "[ipc][dispatch]") {
  Fixture f;
  const json answer = f.call(R"({"jsonrpc":"2.0","id":1e999,"method":"echo"})");
  CHECK(answer.contains("result"));
  CHECK(serialise_message(answer) == R"({"id":1e999,"jsonrpc":"2.0","result":{}})");
  const json unknown = f.call(R"({"jsonrpc":"2.0","id":-1e999,"method":"nope"})");
  CHECK(code_of(unknown) == kMethodNotFound);
  CHECK(serialise_message(unknown).find(R"("id":-1e999)") != std::string::npos);
}

TEST_CASE("ids beyond 2^53 and 2^64 come back exactly", "[ipc][dispatch]") {
  Fixture f;
  for (const std::string id : {"9007199254740993", "18446744073709551615", "18446744073709551616",
                               "-9223372036854775809", "340282366920938463463374607431768211457", "1.25"}) {
    const json answer = f.call(R"({"jsonrpc":"2.0","id":)" + id + R"(,"method":"echo"})");
    CHECK(serialise_message(answer) == R"({"id":)" + id + R"(,"jsonrpc":"2.0","result":{}})");
    // Errors found before the handler runs echo it too.
    const json invalid = f.call(R"({"jsonrpc":"1.0","id":)" + id + R"(,"method":"echo"})");
    CHECK(serialise_message(invalid).find(R"("id":)" + id + ",") != std::string::npos);
  }
}

TEST_CASE("integer params refuse fractions, negatives, huge and overflowing numbers with -32602",
          "[ipc][dispatch][params]") {
  Fixture f;
  for (const std::string n :
       {"1e999", "-1e999", "1e300", "5.5", "5.0", "-1", "0", "11", "18446744073709551615",
        "9223372036854775808", "-9223372036854775809", "\"5\"", "true", "[5]", "{}"}) {
    const json answer = f.call(R"({"jsonrpc":"2.0","id":1,"method":"typed","params":{"n":)" + n + "}}");
    INFO("n = " << n);
    REQUIRE(answer.contains("error"));
    CHECK(code_of(answer) == kInvalidParams);
    CHECK_THAT(answer["error"]["message"].get<std::string>(),
               Catch::Contains("'n'") && Catch::Contains("1 to 10"));
  }
  CHECK(f.call(R"({"jsonrpc":"2.0","id":1,"method":"typed","params":{"n":10}})")["result"]["n"] == 10);
}

TEST_CASE("a sink that throws does not take the handler's thread with it", "[ipc][reply]") {
  Reply reply(1, [](json) { throw std::runtime_error("queue full"); });
  CHECK_NOTHROW(reply.result(true));
  CHECK(reply.answered());
}
