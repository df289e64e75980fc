#include "devices/reader_list.hpp"

#include <algorithm>

#include "eport/common/hex.hpp"

namespace eport::devices {

std::vector<std::string> parse_multistring(const char* data, std::size_t size) {
  std::vector<std::string> names;
  std::size_t start = 0;
  for (std::size_t i = 0; i < size; ++i) {
    if (data[i] != '\0') continue;
    if (i == start) break;  // the empty string ends the list
    names.emplace_back(data + start, i - start);
    start = i + 1;
  }
  return names;
}

ReaderListDiff diff_reader_lists(const std::vector<std::string>& before,
                                 const std::vector<std::string>& after) {
  const auto in = [](const std::vector<std::string>& list, const std::string& name) {
    return std::find(list.begin(), list.end(), name) != list.end();
  };
  ReaderListDiff diff;
  for (const auto& name : after)
    if (!in(before, name)) diff.added.push_back(name);
  for (const auto& name : before)
    if (!in(after, name)) diff.removed.push_back(name);
  return diff;
}

bool same_reader(const std::string& pcsc_reader, const std::string& reported) {
  const auto end = reported.find_last_not_of(' ');
  if (end == std::string::npos) return false;
  const std::string name = reported.substr(0, end + 1);
  if (name == pcsc_reader) return true;
  return name.size() >= 63 && pcsc_reader.size() > name.size() &&
         pcsc_reader.compare(0, name.size(), name) == 0;
}

std::string atr_hex(const std::vector<std::uint8_t>& atr) { return to_hex(atr); }

}  // namespace eport::devices

namespace eport::devices {

CardTransition card_transition(bool was_present, std::uint16_t was_count, bool now_present,
                               std::uint16_t now_count) {
  CardTransition t;
  if (was_present && !now_present) t.removed = true;
  if (!was_present && now_present) t.inserted = true;
  if (was_present && now_present && was_count != now_count) t.removed = t.inserted = true;
  return t;
}

}  // namespace eport::devices
