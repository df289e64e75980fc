// Internal to eport_drivers: the C functions the host hands to plug-ins in eport_host.
#pragma once

#include <cstddef>
#include <cstdint>

#include <eport/driver.h>

namespace eport::drivers {

/// eport_host.log: forwards one line to spdlog under the plug-in's name (host_ctx is a
/// HostContext). Control characters are replaced and long messages cut.
void host_log(void* host_ctx, std::int32_t level, const char* message) noexcept;

/// eport_host.transmit: one APDU through the CardChannel behind `ch`.
std::int32_t host_transmit(eport_channel* ch, const std::uint8_t* command, std::size_t command_len,
                           std::uint8_t* response, std::size_t* response_len) noexcept;

}  // namespace eport::drivers
