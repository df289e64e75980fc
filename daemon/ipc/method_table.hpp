#pragma once
// The method registry (after ISC Kea's command registry): name -> required role + handler.
// Each method family registers itself with one call, e.g. register_session_methods(table, ...).

#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ipc/client_session.hpp"
#include "ipc/peer.hpp"
#include "ipc/reply.hpp"

namespace eport::ipc {

/// Who may call a method.
enum class Role {
  all,    ///< every peer that can connect
  admin,  ///< uid 0 or a member of access.admin_groups
};

/// One call, as a handler sees it. Copyable: a handler may move it to another thread.
struct Request {
  nlohmann::json id;                                 ///< request id (null for notifications)
  std::string method;                                ///< method name
  nlohmann::json params = nlohmann::json::object();  ///< always an object
  PeerIdentity peer;                                 ///< the caller's credentials
  bool admin = false;                                ///< the caller has the admin role
  std::shared_ptr<ClientSession> session;            ///< the calling connection (null in unit tests)
};

/// A method implementation: answers through `reply` exactly once, now or later, from any thread.
/// Throwing InvalidParams answers -32602; other exceptions answer -32603.
using Handler = std::function<void(const Request& request, Reply reply)>;

/// One registered method.
struct MethodSpec {
  std::string name;       ///< e.g. "token.status"
  Role role = Role::all;  ///< required role
  Handler handler;        ///< implementation
  bool audited = false;   ///< write an audit record per call (always on for Role::admin)
  std::string summary;    ///< one line for docs and logs
};

/// Thrown by handlers (or the param helpers) for -32602; the message says which param and why.
class InvalidParams : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The set of methods a daemon serves. Filled at start-up, read-only while serving.
class MethodTable {
 public:
  /// Registers a method; throws std::logic_error when the name is taken or the handler is empty.
  void add(MethodSpec spec);
  /// The method called `name`, or nullptr.
  const MethodSpec* find(const std::string& name) const;
  /// All method names, sorted.
  std::vector<std::string> names() const;
  /// Number of methods.
  std::size_t size() const { return methods_.size(); }

 private:
  std::map<std::string, MethodSpec> methods_;
};

}  // namespace eport::ipc
