// Internal to eport_drivers: the C functions the host hands to plug-ins in eport_host.
#pragma once

#include <cstddef>
#include <cstdint>

#include <string>

#include <spdlog/logger.h>

#include <eport/driver.h>

namespace eport::drivers {

struct StatusBox;

/// eport_host.log: forwards one line to spdlog under the plug-in's name (host_ctx is a
/// HostContext). Control characters are replaced and long messages cut.
void host_log(void* host_ctx, std::int32_t level, const char* message) noexcept;

/// eport_host.report_status (ABI 1.1): keeps the plug-in's latest status object (host_ctx is a
/// HostContext); text that is not a JSON object of at most 64 KiB is logged and ignored.
void host_report_status(void* host_ctx, const char* json) noexcept;

/// What host_report_status does, for a status that arrives another way (a provider helper).
void record_status(StatusBox& box, const std::string& driver, spdlog::logger& logger,
                   const char* json) noexcept;

/// eport_host.transmit: one APDU through the CardChannel behind `ch`.
std::int32_t host_transmit(eport_channel* ch, const std::uint8_t* command, std::size_t command_len,
                           std::uint8_t* response, std::size_t* response_len) noexcept;

}  // namespace eport::drivers
