#pragma once
// The parts of the message catalogue (internal to i18n.cpp and messages*.cpp).

#include "i18n.hpp"

#include <vector>

namespace eport::client {

/// Texts of the commands' output.
const std::vector<MessageEntry>& output_messages();
/// Texts of doctor's checklist.
const std::vector<MessageEntry>& doctor_messages();
/// Texts of --help.
const std::vector<MessageEntry>& cli_messages();
/// Texts of doctor --bundle.
const std::vector<MessageEntry>& bundle_messages();

}  // namespace eport::client
