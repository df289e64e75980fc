#pragma once
// Shared plumbing of the exported SKF functions: the process-wide handle table and event
// source, exception barrier, standard output conventions, and "one call on one device".
#include <cstring>
#include <new>
#include <optional>
#include <string>
#include <vector>

#include <eport/softskf/skf.h>
#include <eport/softskf/state.hpp>

#include "device_events.hpp"
#include "device_store.hpp"
#include "handles.hpp"

namespace eport::softskf {

/// The library's handle table (one per process, see library.cpp).
Handles& handles();
/// The library's device-event source (one per process).
DeviceEvents& events();

/// Runs an SKF function body: no exception crosses the C boundary.
template <class Body>
ULONG guarded(Body&& body) noexcept {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return SAR_MEMORYERR;
  } catch (...) {
    return SAR_FAIL;
  }
}

/// A NUL-terminated argument of at most `max` characters; nullopt for NULL or too long.
std::optional<std::string> c_string(const char* text, std::size_t max = 256);

/// Writes a NUL-separated, double-NUL-ended name list. NULL buffer: *size = bytes needed,
/// SAR_OK. Too small: *size = needed, SAR_BUFFER_TOO_SMALL.
ULONG put_name_list(const std::vector<std::string>& names, LPSTR out, ULONG* size);

/// Writes bytes with the same NULL-buffer / too-small conventions.
ULONG put_bytes(const Bytes& data, BYTE* out, ULONG* size);

/// The application named `name`, or nullptr.
Application* find_application(DeviceState& state, const std::string& name);
/// The container named `name`, or nullptr.
Container* find_container(Application& app, const std::string& name);

/// One call through a device handle: body(DeviceCall&) -> ULONG.
template <class Body>
ULONG on_device(DEVHANDLE handle, const char* function, Body&& body) {
  const auto target = handles().device(handle);
  if (!target) return SAR_INVALIDHANDLEERR;
  DeviceCall call(target->dir, target->name, function);
  if (call.status() != SAR_OK) return call.status();
  return call.finish(body(call));
}

/// One call through an application handle: body(DeviceCall&, Application&) -> ULONG.
template <class Body>
ULONG on_application(HAPPLICATION handle, const char* function, Body&& body) {
  const auto target = handles().application(handle);
  if (!target) return SAR_INVALIDHANDLEERR;
  DeviceCall call(target->dir, target->name, function);
  if (call.status() != SAR_OK) return call.status();
  Application* app = find_application(call.state(), target->app);
  return call.finish(app == nullptr ? SAR_APPLICATION_NOT_EXISTS : body(call, *app));
}

/// One call through a container handle: body(DeviceCall&, Application&, Container&) -> ULONG.
template <class Body>
ULONG on_container(HCONTAINER handle, const char* function, Body&& body) {
  const auto target = handles().container(handle);
  if (!target) return SAR_INVALIDHANDLEERR;
  DeviceCall call(target->dir, target->name, function);
  if (call.status() != SAR_OK) return call.status();
  Application* app = find_application(call.state(), target->app);
  if (app == nullptr) return call.finish(SAR_APPLICATION_NOT_EXISTS);
  Container* container = find_container(*app, target->container);
  return call.finish(container == nullptr ? SAR_FILE_NOT_EXIST : body(call, *app, *container));
}

}  // namespace eport::softskf
