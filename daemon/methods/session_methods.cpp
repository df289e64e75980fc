// session.hello: who am I talking to, and what can it do.
#include <spdlog/spdlog.h>

#include "ipc/params.hpp"
#include "methods/registry.hpp"

namespace eport::methods {

void register_session_methods(ipc::MethodTable& table, ServiceContext&) {
  table.add({"session.hello", ipc::Role::all,
             [&table](const ipc::Request& request, ipc::Reply reply) {
               const auto client = ipc::optional_string(request.params, "client").value_or("");
               const auto protocol = ipc::optional_integer(request.params, "protocol", 1, 1000000);
               spdlog::debug("hello from '{}' (pid {}, uid {}), protocol {}", client, request.peer.pid,
                             request.peer.uid, protocol.value_or(1));
               auto peer = ipc::to_json(request.peer);
               peer["admin"] = request.admin;
               reply.result({{"server", "eportd " + daemon_version()},
                             {"protocol", 1},
                             {"peer", peer},
                             {"methods", table.names()}});
             },
             false, "greets the client: protocol version, the caller's identity, method list"});
}

}  // namespace eport::methods
