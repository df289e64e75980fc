#pragma once
// The E-Port compatible subset (docs/web.md): the message format of the Windows Electronic Port
// client control — {"_method":"cus-sec_SpcGetCardID","_id":1,"args":{}} in,
// {"_id":1,"_method":…,"_status":"00","_args":{"Result":…,"Data":[…],"Error":[…]}} out — mapped
// onto eportd's own methods through the dispatcher, so the same roles, limits and card queue
// apply. Unsupported methods answer Result:false with the reason, never made-up data.

#include <string>
#include <string_view>

#include <boost/asio/any_io_executor.hpp>
#include <nlohmann/json.hpp>

#include "ipc/dispatcher.hpp"
#include "ipc/session.hpp"

namespace eport::web {

/// Turns E-Port messages into dispatcher calls for one WebSocket.
class EportAdapter {
 public:
  /// `executor`: the WebSocket's (dispatcher answers are brought back to it before the next
  /// call); `allow_pin_methods`: web.allow_pin_methods when the WebSocket opened.
  EportAdapter(const ipc::Dispatcher& dispatcher, boost::asio::any_io_executor executor,
               bool allow_pin_methods);

  /// The first message the control sends on a new connection: {"_method":"open"}.
  static nlohmann::json greeting();
  /// What answers one received message `text` (run through ipc::Session::dispatch_through).
  ipc::Session::Adapter adapter_for(std::string_view text) const;

 private:
  const ipc::Dispatcher& dispatcher_;
  boost::asio::any_io_executor executor_;
  bool allow_pin_methods_;
};

}  // namespace eport::web
