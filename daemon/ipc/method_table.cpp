#include "ipc/method_table.hpp"

namespace eport::ipc {

void MethodTable::add(MethodSpec spec) {
  if (spec.name.empty() || !spec.handler)
    throw std::logic_error("method registration needs a name and a handler");
  if (spec.role == Role::admin) spec.audited = true;
  const std::string name = spec.name;
  if (!methods_.emplace(name, std::move(spec)).second)
    throw std::logic_error("method " + name + " is registered twice");
}

const MethodSpec* MethodTable::find(const std::string& name) const {
  const auto it = methods_.find(name);
  return it == methods_.end() ? nullptr : &it->second;
}

std::vector<std::string> MethodTable::names() const {
  std::vector<std::string> names;
  for (const auto& entry : methods_) names.push_back(entry.first);
  return names;
}

}  // namespace eport::ipc
