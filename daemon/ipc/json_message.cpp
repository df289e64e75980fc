#include "ipc/json_message.hpp"

#include <cmath>
#include <cstdlib>
#include <limits>
#include <vector>

#include "ipc/secure_wipe.hpp"

namespace eport::ipc {

namespace {

using json = nlohmann::json;

/// Subtype of the binary values that carry a raw number (an arbitrary tag no parser produces:
/// JSON text never yields binary values).
constexpr std::uint64_t kRawNumberSubtype = 0x4e;

/// A number token that a double cannot hold (strtod gives infinity), by its position among the
/// message's number tokens.
struct Overflow {
  std::size_t index;   ///< 0 = the first number token of the text
  std::size_t offset;  ///< where it starts in the text
  std::string text;    ///< the token as sent
};

bool is_digit(char c) { return c >= '0' && c <= '9'; }

/// True when `token` follows the JSON number grammar: -?(0|[1-9]d*)(.d+)?([eE][+-]?d+)?
bool valid_number(std::string_view token) {
  std::size_t i = 0;
  const auto digits = [&] {
    const std::size_t start = i;
    while (i < token.size() && is_digit(token[i])) ++i;
    return i > start;
  };
  if (i < token.size() && token[i] == '-') ++i;
  if (i < token.size() && token[i] == '0') ++i;
  else if (!digits()) return false;
  if (i < token.size() && token[i] == '.') {
    ++i;
    if (!digits()) return false;
  }
  if (i < token.size() && (token[i] == 'e' || token[i] == 'E')) {
    ++i;
    if (i < token.size() && (token[i] == '+' || token[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == token.size();
}

/// Number tokens (outside strings) that overflow a double. In valid JSON every maximal run of
/// number characters outside a string is exactly one number token, in the order a parser sees
/// them, so the index matches the parser's count.
std::vector<Overflow> find_overflows(std::string_view text) {
  std::vector<Overflow> found;
  std::size_t index = 0;
  bool in_string = false, escaped = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
      continue;
    }
    if (c != '-' && !is_digit(c)) continue;
    std::size_t end = i;
    while (end < text.size() && (is_digit(text[end]) || text[end] == '-' || text[end] == '+' ||
                                 text[end] == '.' || text[end] == 'e' || text[end] == 'E'))
      ++end;
    const std::string token(text.substr(i, end - i));
    if (valid_number(token) && std::isinf(std::strtod(token.c_str(), nullptr)))
      found.push_back({index, i, token});
    ++index;
    i = end - 1;
  }
  return found;
}

/// `text` with every overflowing number replaced by 0 (the builder restores it by position).
std::string without_overflows(std::string_view text, const std::vector<Overflow>& overflows) {
  std::string out;
  out.reserve(text.size());
  std::size_t done = 0;
  for (const auto& overflow : overflows) {
    out.append(text.substr(done, overflow.offset - done)).push_back('0');
    done = overflow.offset + overflow.text.size();
  }
  return out.append(text.substr(done));
}

/// Builds the DOM from nlohmann's SAX events, with a depth limit, overflow values restored as
/// infinities, and the top-level "id" kept as source text when a number would change it.
class DomBuilder : public json::json_sax_t {
 public:
  DomBuilder(json& root, std::size_t max_depth, const std::vector<Overflow>& overflows)
      : root_(root), max_depth_(max_depth), overflows_(overflows) {}

  bool null() override { return put(nullptr); }
  bool boolean(bool value) override { return put(value); }
  bool number_integer(number_integer_t value) override { return number(json(value), nullptr); }
  bool number_unsigned(number_unsigned_t value) override { return number(json(value), nullptr); }
  bool number_float(number_float_t value, const string_t& text) override {
    return number(json(value), &text);
  }
  bool string(string_t& value) override { return put(std::move(value)); }
  bool binary(binary_t& value) override { return put(json::binary(std::move(value))); }
  bool start_object(std::size_t) override { return open(json::object()); }
  bool key(string_t& name) override {
    key_ = std::move(name);
    return true;
  }
  bool end_object() override { return close(); }
  bool start_array(std::size_t) override { return open(json::array()); }
  bool end_array() override { return close(); }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) override {
    if (error_.empty()) error_ = e.what();
    return false;
  }

  /// Why the parse stopped ("" when it did not).
  const std::string& error() const { return error_; }

 private:
  bool number(json value, const std::string* text) {
    const std::size_t index = numbers_++;
    std::string overflow_text;
    if (next_overflow_ < overflows_.size() && overflows_[next_overflow_].index == index) {
      overflow_text = overflows_[next_overflow_++].text;
      value = overflow_text.front() == '-' ? -std::numeric_limits<double>::infinity()
                                           : std::numeric_limits<double>::infinity();
      text = &overflow_text;
    }
    // Integers are exact in nlohmann's int64/uint64; every float id keeps its text.
    if (text && stack_.size() == 1 && stack_.back()->is_object() && key_ == "id") value = raw_number(*text);
    return put(std::move(value));
  }

  json* insert(json value) {
    if (stack_.empty()) {
      root_ = std::move(value);
      return &root_;
    }
    json& parent = *stack_.back();
    if (parent.is_array()) {
      parent.push_back(std::move(value));
      return &parent.back();
    }
    json& slot = parent[key_];
    slot = std::move(value);
    return &slot;
  }

  bool put(json value) {
    insert(std::move(value));
    return true;
  }

  bool open(json container) {
    if (stack_.size() >= max_depth_) {
      error_ = "nesting deeper than " + std::to_string(max_depth_) + " levels";
      return false;
    }
    stack_.push_back(insert(std::move(container)));
    return true;
  }

  bool close() {
    stack_.pop_back();
    return true;
  }

  json& root_;
  std::size_t max_depth_;
  const std::vector<Overflow>& overflows_;
  std::vector<json*> stack_;  // open containers; a parent is never modified while a child is open
  std::string key_;
  std::string error_;
  std::size_t numbers_ = 0;
  std::size_t next_overflow_ = 0;
};

/// nlohmann's message without its "[json.exception...] " prefix.
std::string plain_message(const std::string& what) {
  const auto bracket = what.find("] ");
  return bracket == std::string::npos ? what : what.substr(bracket + 2);
}

}  // namespace

std::size_t json_depth(std::string_view text, std::size_t limit) {
  std::size_t depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (const char c : text) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > deepest) deepest = depth;
      if (deepest > limit) return deepest;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

ParsedMessage parse_message(std::string_view text, std::size_t max_depth) {
  if (json_depth(text, max_depth) > max_depth) {
    return unexpected("nesting deeper than " + std::to_string(max_depth) + " levels");
  }
  try {
    const auto overflows = find_overflows(text);
    std::string patched = overflows.empty() ? std::string() : without_overflows(text, overflows);
    const std::string_view input = overflows.empty() ? text : std::string_view(patched);
    json value;
    DomBuilder builder(value, max_depth, overflows);
    const bool ok = json::sax_parse(input.begin(), input.end(), &builder, json::input_format_t::json, true);
    secure_clear(patched);  // a copy of the request: it may hold a PIN
    if (!ok) return unexpected(plain_message(builder.error().empty() ? "not valid JSON" : builder.error()));
    return value;
  } catch (const std::exception& e) {
    return unexpected(plain_message(e.what()));
  }
}

json raw_number(std::string_view text) {
  return json::binary(json::binary_t::container_type(text.begin(), text.end()), kRawNumberSubtype);
}

std::optional<std::string> raw_number_text(const json& value) {
  if (!value.is_binary()) return std::nullopt;
  const auto& bytes = value.get_binary();
  if (!bytes.has_subtype() || bytes.subtype() != kRawNumberSubtype) return std::nullopt;
  return std::string(bytes.begin(), bytes.end());
}

std::string serialise_message(const json& message) {
  const auto dump = [](const json& value) {
    return value.dump(-1, ' ', false, json::error_handler_t::replace);
  };
  const auto id = message.is_object() ? message.find("id") : message.end();
  const auto raw = id != message.end() ? raw_number_text(*id) : std::nullopt;
  if (!raw) return dump(message);
  // Same member order as dump() (sorted keys), with the id's source text spliced in.
  std::string text = "{";
  for (auto it = message.begin(); it != message.end(); ++it) {
    if (text.size() > 1) text += ',';
    text += dump(json(it.key())) + ':' + (it == id ? *raw : dump(it.value()));
  }
  return text + "}";
}

}  // namespace eport::ipc
