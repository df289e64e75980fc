#include "web/origin_policy.hpp"

#include <algorithm>
#include <cctype>

namespace eport::web {

namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

bool contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

}  // namespace

OriginPolicy::OriginPolicy(std::string host, std::uint16_t port, std::vector<std::string> allowed)
    : host_(std::move(host)), port_(port), allowed_(std::move(allowed)) {
  const bool v6 = host_.find(':') != std::string::npos;
  const std::string address = v6 ? "[" + host_ + "]" : host_;
  const std::string suffix = ":" + std::to_string(port_);
  for (const std::string& name : {address, std::string("localhost")}) {
    hosts_.push_back(lower(name) + suffix);
    if (port_ == 80) hosts_.push_back(lower(name));  // browsers leave the default port out
    own_.push_back("http://" + lower(name) + (port_ == 80 ? "" : suffix));
  }
}

bool OriginPolicy::host_allowed(std::string_view host_header) const {
  return contains(hosts_, lower(host_header));
}

bool OriginPolicy::own_origin(std::string_view origin) const { return contains(own_, lower(origin)); }

bool OriginPolicy::origin_allowed(std::string_view origin) const {
  const std::string value = lower(origin);
  return contains(own_, value) || contains(allowed_, value);
}

std::string OriginPolicy::page_address() const { return own_.front() + "/"; }

}  // namespace eport::web
