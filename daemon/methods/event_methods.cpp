// events.subscribe: turns the calling connection into an event subscriber.
#include <algorithm>

#include "ipc/params.hpp"
#include "methods/registry.hpp"

namespace eport::methods {

void register_event_methods(ipc::MethodTable& table, ServiceContext&) {
  table.add({"events.subscribe", ipc::Role::all,
             [](const ipc::Request& request, ipc::Reply reply) {
               const auto& known = events::known_topics();
               const auto topics = ipc::optional_string_list(request.params, "topics");
               std::set<std::string> filter;
               if (topics) {
                 for (const auto& topic : *topics) {
                   if (std::find(known.begin(), known.end(), topic) == known.end()) {
                     std::string list;
                     for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
                     throw ipc::InvalidParams("unknown topic '" + topic + "'; topics are: " + list);
                   }
                   filter.insert(topic);
                 }
               }
               if (!request.session) throw std::logic_error("events.subscribe called without a connection");
               request.session->subscribe(filter);
               const std::vector<std::string> subscribed =
                   filter.empty() ? known : std::vector<std::string>(filter.begin(), filter.end());
               reply.result({{"topics", subscribed}});
             },
             false, "subscribe this connection to event notifications"});
}

}  // namespace eport::methods
