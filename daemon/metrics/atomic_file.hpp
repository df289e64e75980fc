#pragma once
// Replacing a file so that a reader sees the old or the new content, never part of one: a
// temporary file in the same directory, fsync, rename over the target, fsync of the directory.

#include <sys/types.h>
#include <string>

namespace eport::metrics {

/// Writes `content` to `path` atomically with permission bits `mode`. Returns "" on success,
/// else what failed (with errno's text), ready for a log line. The temporary file is named
/// ".<name>.<random>" so that node_exporter, which reads only "*.prom", never picks it up; it
/// is removed when anything fails.
std::string replace_file(const std::string& path, const std::string& content, mode_t mode);

}  // namespace eport::metrics
