// RAII owner of one open token of a driver plug-in.
#pragma once

#include <memory>

#include <eport/driver.h>

namespace eport::drivers {

class PluginInstance;

/// An open token (from Driver::open_token or Driver::open_provider_token); close_token() runs on
/// destruction. Keeps its plug-in loaded while it lives. Use it from one thread at a time.
class TokenHandle {
 public:
  /// An empty handle (no token).
  TokenHandle() = default;
  /// Closes the token if one is open.
  ~TokenHandle();
  TokenHandle(TokenHandle&& other) noexcept;
  TokenHandle& operator=(TokenHandle&& other) noexcept;
  TokenHandle(const TokenHandle&) = delete;
  TokenHandle& operator=(const TokenHandle&) = delete;

  /// True while a token is open.
  bool is_open() const { return plugin_ != nullptr; }
  /// close_token() now (the card was removed, or the token is no longer wanted).
  void close();

 private:
  friend class Driver;
  TokenHandle(std::shared_ptr<PluginInstance> plugin, eport_token* token);

  std::shared_ptr<PluginInstance> plugin_;
  eport_token* token_ = nullptr;
};

}  // namespace eport::drivers
