#pragma once
// The Prometheus text exposition format (version 0.0.4), as node_exporter's textfile collector
// and promtool read it: per family one HELP and one TYPE line, then its samples. Pure.

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace eport::metrics {

/// Label name/value pairs of one sample, in the order they are written.
using Labels = std::vector<std::pair<std::string, std::string>>;

/// The media type of the text (for metrics.get).
inline constexpr const char* kTextContentType = "text/plain; version=0.0.4; charset=utf-8";

/// Builds one exposition text, family by family.
class Exposition {
 public:
  /// Starts a family: `type` is "gauge" or "counter"; `help` is one sentence.
  void family(std::string_view name, std::string_view type, std::string_view help);
  /// One sample of the current family (the sample's name is the family's name).
  void sample(const Labels& labels, double value);
  /// The text so far (ends with a newline when anything was written).
  const std::string& text() const { return text_; }

 private:
  std::string text_;
  std::string name_;
};

/// A label value as the format needs it: backslash, double quote and newline escaped.
std::string escape_label_value(std::string_view value);

/// Free text made fit for a label: valid UTF-8 (bad bytes become U+FFFD), control characters
/// as spaces, at most `max_chars` characters (cut ones end with "…").
std::string bounded_label_value(std::string_view text, std::size_t max_chars);

/// An identifier made fit for a label without ever making two identifiers equal: valid
/// identifiers of up to `max_chars` characters stay as they are; longer ones (or ones with
/// bytes bounded_label_value would change) keep their start and end with "~" and 8 hex digits
/// of a hash of the whole.
std::string unique_label_value(std::string_view id, std::size_t max_chars);

/// A sample value: integers (timestamps, counts) without exponent, others in shortest form.
std::string format_value(double value);

}  // namespace eport::metrics
