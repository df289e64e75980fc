#pragma once
// JSON-RPC 2.0 error codes used by eportd (PROTOCOL.md "Errors").

namespace eport::ipc {

constexpr int kParseError = -32700;        ///< the line is not JSON; the connection stays usable
constexpr int kInvalidRequest = -32600;    ///< not a JSON-RPC 2.0 request object
constexpr int kMethodNotFound = -32601;    ///< no such method (or not built yet)
constexpr int kInvalidParams = -32602;     ///< params missing, of the wrong type or out of range
constexpr int kInternalError = -32603;     ///< a bug in eportd
constexpr int kApplicationError = -32000;  ///< see error.data.reason

}  // namespace eport::ipc
