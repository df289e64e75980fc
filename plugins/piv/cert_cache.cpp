#include "cert_cache.hpp"

namespace eport::piv {

void CertCache::put(uint8_t key_ref, SlotContent content) {
  if (lifetime_.count() == 0) return;
  entries_[key_ref] = Entry{std::move(content), clock_()};
}

bool CertCache::fresh(const Entry& entry) const {
  const auto age = clock_() - entry.read_at;
  return age >= std::chrono::steady_clock::duration::zero() && age < lifetime_;
}

std::optional<SlotContent> CertCache::take(uint8_t key_ref) {
  const auto it = entries_.find(key_ref);
  if (it == entries_.end()) return std::nullopt;
  std::optional<SlotContent> result;
  if (fresh(it->second)) result = std::move(it->second.content);
  entries_.erase(it);
  return result;
}

std::optional<SlotContent> CertCache::peek(uint8_t key_ref) const {
  const auto it = entries_.find(key_ref);
  if (it == entries_.end() || !fresh(it->second)) return std::nullopt;
  return it->second.content;
}

}  // namespace eport::piv
