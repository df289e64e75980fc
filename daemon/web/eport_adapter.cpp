#include "web/eport_adapter.hpp"

#include <functional>
#include <memory>

#include <boost/asio/post.hpp>

#include "ipc/json_message.hpp"

namespace eport::web {

namespace {

using nlohmann::json;

/// Slots tried, in order, for the "signing certificate" of a PIV card: 9C (Digital Signature),
/// then 9A (PIV Authentication).
const char* const kSignSlots[] = {"9c", "9a"};

/// One E-Port request being answered: a chain of dispatcher calls, then one answer.
class EportCall : public std::enable_shared_from_this<EportCall> {
 public:
  EportCall(const ipc::Dispatcher& dispatcher, boost::asio::any_io_executor executor,
            ipc::CallerContext caller, ipc::Reply::Sink sink, json id, std::string method, json args)
      : dispatcher_(dispatcher),
        executor_(std::move(executor)),
        caller_(std::move(caller)),
        sink_(std::move(sink)),
        id_(std::move(id)),
        method_(std::move(method)),
        args_(std::move(args)) {}

  void run(bool allow_pin_methods);
  /// Answers Result:false with `why` (a message that is not of the E-Port format).
  void refuse(const std::string& why) { unsupported(why); }

 private:
  using Next = std::function<void(const json& result)>;

  void rpc(const std::string& method, json params, Next next);
  void answer(bool ok, json data, json errors = json::array());
  void unsupported(const std::string& why) { answer(false, json::array(), json::array({why})); }
  void with_token(const std::function<void(const std::string& token)>& next);
  void with_sign_cert(const std::function<void(const std::string& token, const json& cert)>& next);
  void change_pin();
  void verify_pin();

  const ipc::Dispatcher& dispatcher_;
  boost::asio::any_io_executor executor_;
  ipc::CallerContext caller_;
  ipc::Reply::Sink sink_;
  json id_;
  std::string method_;
  json args_;
};

void EportCall::rpc(const std::string& method, json params, Next next) {
  json request{{"jsonrpc", "2.0"}, {"id", 1}, {"method", method}, {"params", std::move(params)}};
  auto self = shared_from_this();
  // The answer may come from a card worker: continue on the WebSocket's thread.
  dispatcher_.dispatch_value(std::move(request), caller_, [self, next, method](json response) {
    boost::asio::post(self->executor_, [self, next, method, response = std::move(response)] {
      if (response.contains("error")) {
        const json& error = response["error"];
        json errors = json::array({error.value("message", std::string("error"))});
        if (error.contains("data") && error["data"].is_object()) {
          const json& data = error["data"];
          if (data.contains("reason")) errors.push_back("eportd " + method + ": " + data["reason"].dump());
          // A wrong PIN: the page must be able to tell the user how many tries are left.
          if (data.contains("tries_left") && data["tries_left"].is_number_integer()) {
            const auto left = std::to_string(data["tries_left"].get<int>());
            errors.push_back("PIN tries left: " + left + " (PIN 剩余次数：" + left + ")");
          }
        }
        return self->answer(false, json::array(), errors);
      }
      next(response.value("result", json::object()));
    });
  });
}

void EportCall::answer(bool ok, json data, json errors) {
  sink_(json{{"_id", id_},
             {"_method", method_},
             {"_status", "00"},
             {"_args", {{"Result", ok}, {"Data", std::move(data)}, {"Error", std::move(errors)}}}});
}

void EportCall::with_token(const std::function<void(const std::string& token)>& next) {
  rpc("tokens.list", json::object(), [self = shared_from_this(), next](const json& result) {
    for (const auto& token : result.value("tokens", json::array()))
      if (token.value("state", std::string()) == "ready") return next(token.value("id", std::string()));
    self->unsupported("no card: eportd sees no card that is ready; insert the card and try again");
  });
}

void EportCall::with_sign_cert(const std::function<void(const std::string& token, const json& cert)>& next) {
  with_token([self = shared_from_this(), next](const std::string& token) {
    self->rpc("token.status", {{"token", token}}, [self, next, token](const json& status) {
      const json certificates = status.value("certificates", json::array());
      for (const char* slot : kSignSlots)
        for (const auto& cert : certificates)
          if (cert.value("slot", std::string()) == slot) return next(token, cert);
      self->unsupported("the card holds no certificate in slot 9C or 9A");
    });
  });
}

void EportCall::change_pin() {
  const auto old_pin = args_.find("oldPin");
  const auto new_pin = args_.find("newPin");
  if (old_pin == args_.end() || new_pin == args_.end() || !old_pin->is_string() || !new_pin->is_string())
    return unsupported("cus-sec_SpcChangePIN needs args.oldPin and args.newPin (strings)");
  with_token([self = shared_from_this(), old_pin = old_pin->get<std::string>(),
              new_pin = new_pin->get<std::string>()](const std::string& token) {
    self->rpc("pin.change", {{"token", token}, {"old_pin", old_pin}, {"new_pin", new_pin}},
              [self](const json&) { self->answer(true, json::array()); });
  });
}

/// The PIN of cus-sec_SpcVerifyPIN: `args.passwd` as the control's page library sends it, or
/// `args.pin`.
const json* verify_pin_arg(const json& args) {
  for (const char* name : {"passwd", "pin"}) {
    const auto found = args.find(name);
    if (found != args.end()) return &*found;
  }
  return nullptr;
}

void EportCall::verify_pin() {
  const json* pin = verify_pin_arg(args_);
  if (pin == nullptr || !pin->is_string() || pin->get_ref<const std::string&>().empty())
    return unsupported("cus-sec_SpcVerifyPIN needs args.passwd (or args.pin): the PIN, a non-empty string");
  with_token([self = shared_from_this(), pin = pin->get<std::string>()](const std::string& token) {
    self->rpc("pin.verify", {{"token", token}, {"pin", pin}},
              [self](const json&) { self->answer(true, json::array()); });
  });
}

void EportCall::run(bool allow_pin_methods) {
  auto self = shared_from_this();
  if (method_ == "cus-sec_SpcGetCardID") {
    return with_token([self](const std::string& token) {
      self->rpc("token.status", {{"token", token}}, [self](const json& status) {
        const json& info = status.value("token", json::object());
        self->answer(true, json::array({info.value("serial", info.value("id", std::string()))}));
      });
    });
  }
  if (method_ == "cus-sec_SpcGetCertNo")
    return with_sign_cert([self](const std::string&, const json& cert) {
      self->answer(true, json::array({cert.value("serial", std::string())}));
    });
  if (method_ == "cus-sec_SpcGetValidTimeFromCert")
    return with_sign_cert([self](const std::string&, const json& cert) {
      const json times{{"szStartTime", cert.value("not_before", std::string())},
                       {"szEndTime", cert.value("not_after", std::string())}};
      self->answer(true, json::array({times.dump()}));
    });
  if (method_ == "cus-sec_SpcGetSignCert" || method_ == "cus-sec_SpcGetSignCertAsPEM")
    return with_sign_cert([self](const std::string& token, const json& cert) {
      self->rpc("cert.read", {{"token", token}, {"slot", cert.value("slot", std::string())}},
                [self](const json& read) {
                  self->answer(true, json::array({read.value("der_base64", std::string())}));
                });
    });
  if (method_ == "cus-sec_SpcGetCardAttachInfo")
    return unsupported(
        "cus-sec_SpcGetCardAttachInfo: the cards eportd serves (PIV) carry no attach information");
  if (method_ == "cus-sec_SpcVerifyPIN" || method_ == "cus-sec_SpcChangePIN") {
    if (!allow_pin_methods)
      return unsupported(method_ + " is off: the administrator has not set web.allow_pin_methods");
    if (method_ == "cus-sec_SpcChangePIN") return change_pin();
    return verify_pin();
  }
  unsupported(method_ + " is not supported by eportd's E-Port compatible subset (docs/web.md lists what is)");
}

}  // namespace

EportAdapter::EportAdapter(const ipc::Dispatcher& dispatcher, boost::asio::any_io_executor executor,
                           bool allow_pin_methods)
    : dispatcher_(dispatcher), executor_(std::move(executor)), allow_pin_methods_(allow_pin_methods) {}

json EportAdapter::greeting() { return {{"_method", "open"}}; }

ipc::Session::Adapter EportAdapter::adapter_for(std::string_view text) const {
  auto parsed = ipc::parse_message(text);
  json id;
  std::string method;
  json args = json::object();
  std::string problem;
  if (!parsed || !parsed.value().is_object()) {
    problem = "not a message of the E-Port format: send a JSON object with _method, _id and args";
  } else {
    const json& message = parsed.value();
    if (message.contains("_id")) id = message["_id"];
    if (message.contains("_method") && message["_method"].is_string()) method = message["_method"];
    else problem = "the message has no _method (a string)";
    if (message.contains("args") && message["args"].is_object()) args = message["args"];
  }
  return [this, id, method, args, problem](const ipc::CallerContext& caller, ipc::Reply::Sink sink) {
    auto call =
        std::make_shared<EportCall>(dispatcher_, executor_, caller, std::move(sink), id, method, args);
    if (!problem.empty()) return call->refuse(problem);
    call->run(allow_pin_methods_);
  };
}

}  // namespace eport::web
