#include "cardops/cert_cache.hpp"

namespace eport::cardops {

void CertCache::store(const std::string& token, const std::vector<drivers::SlotInfo>& slots,
                      const std::vector<SlotCertificate>& certificates, std::int64_t read_at,
                      std::uint64_t resets, Clock::time_point now) {
  CachedCertificates entry{slots, certificates, read_at, now, resets};
  std::lock_guard lock(mutex_);
  entries_[token] = std::move(entry);
}

std::optional<CachedCertificates> CertCache::usable(const std::string& token, std::uint64_t resets,
                                                    std::chrono::seconds max_age,
                                                    Clock::time_point now) const {
  if (max_age.count() <= 0) return std::nullopt;
  std::lock_guard lock(mutex_);
  const auto it = entries_.find(token);
  if (it == entries_.end() || it->second.resets != resets) return std::nullopt;
  if (now - it->second.read_steady >= max_age) return std::nullopt;
  return it->second;
}

void CertCache::forget(const std::string& token) {
  std::lock_guard lock(mutex_);
  entries_.erase(token);
}

}  // namespace eport::cardops
