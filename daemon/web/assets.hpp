#pragma once
// The status page's files (top-level web/), compiled into eportd at build time
// (embed_assets.cmake): the page always matches the daemon that serves it, needs no path at run
// time, and cannot be swapped on disk for a page that asks for PINs (docs/web.md).

#include <string_view>
#include <vector>

namespace eport::web {

/// One embedded file.
struct Asset {
  std::string_view path;          ///< URL path, e.g. "/app.js"
  std::string_view content_type;  ///< e.g. "text/javascript; charset=utf-8"
  std::string_view body;          ///< the file's bytes
};

/// The file served at `path`, or nullptr.
const Asset* find_asset(std::string_view path);

/// Every embedded file (tests, logs).
std::vector<const Asset*> all_assets();

}  // namespace eport::web
