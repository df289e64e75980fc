#include "service/strict_modes.hpp"

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <set>
#include <system_error>

namespace eport::service {

namespace {

std::string octal_mode(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof(text), "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

std::string user_name(uid_t uid) {
  if (const passwd* entry = getpwuid(uid)) {
    return std::string(entry->pw_name) + " (uid " + std::to_string(uid) + ")";
  }
  return "uid " + std::to_string(uid);
}

std::string who_may_write(mode_t mode) {
  const bool group = (mode & S_IWGRP) != 0;
  const bool others = (mode & S_IWOTH) != 0;
  if (group && others) {
    return "its group and all users";
  }
  return group ? "its group" : "all users";
}

}  // namespace

std::optional<std::string> strict_mode_problem(const PathFacts& facts, const StrictModesPolicy& policy) {
  const std::string path = facts.path.string();
  const bool sticky_root_dir =
      facts.role == PathRole::ancestor && facts.owner == 0 && (facts.mode & S_ISVTX) != 0;
  if (facts.owner != 0 && facts.owner != policy.daemon_uid) {
    const std::string allowed = policy.daemon_uid == 0 ? "root" : "root or " + user_name(policy.daemon_uid);
    return path + " is owned by " + user_name(facts.owner) + ", not " + allowed +
           ", so that user could change what eportd runs; fix: chown root:root " + path;
  }
  if ((facts.mode & (S_IWGRP | S_IWOTH)) != 0 && !sticky_root_dir) {
    return path + " is writable by " + who_may_write(facts.mode) + " (mode " + octal_mode(facts.mode) +
           "), so they could change what eportd runs; fix: chmod go-w " + path;
  }
  return std::nullopt;
}

namespace {

// Adds the facts of `path` (when it exists) and of each directory above it, once each.
void collect(const std::filesystem::path& path, PathRole role, std::set<std::filesystem::path>& seen,
             std::vector<PathFacts>& out) {
  std::filesystem::path current = path;
  PathRole current_role = role;
  while (!current.empty()) {
    if (seen.insert(current).second) {
      struct stat st {};
      if (::stat(current.c_str(), &st) == 0) {
        out.push_back(PathFacts{current, current_role, st.st_uid, st.st_mode});
      }
    }
    if (current == current.root_path()) {
      break;
    }
    current = current.parent_path();
    current_role = PathRole::ancestor;
  }
}

std::vector<std::filesystem::path> plugin_files(const std::filesystem::path& plugin_dir) {
  std::vector<std::filesystem::path> files;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(plugin_dir, error)) {
    if (entry.path().extension() == ".so") {
      files.push_back(entry.path());
    }
  }
  return files;
}

}  // namespace

std::vector<std::string> check_strict_modes(const std::filesystem::path& config_file,
                                            const std::filesystem::path& plugin_dir,
                                            const StrictModesPolicy& policy) {
  std::error_code error;
  // Absolute, so that every directory up to "/" is judged, but symlinks kept as written.
  const auto config = std::filesystem::absolute(config_file, error).lexically_normal();
  const auto plugins = std::filesystem::absolute(plugin_dir, error).lexically_normal();
  std::set<std::filesystem::path> seen;
  std::vector<PathFacts> facts;
  collect(config, PathRole::file, seen, facts);
  if (!plugin_dir.empty()) {
    collect(plugins, PathRole::directory, seen, facts);
    for (const auto& file : plugin_files(plugins)) {
      collect(file, PathRole::file, seen, facts);
    }
  }
  std::vector<std::string> problems;
  for (const auto& fact : facts) {
    if (auto problem = strict_mode_problem(fact, policy)) {
      problems.push_back(*problem);
    }
  }
  return problems;
}

StrictModesPolicy current_strict_modes_policy() {
  StrictModesPolicy policy;
  policy.daemon_uid = geteuid();
  return policy;
}

void enforce_strict_modes(const std::filesystem::path& config_file, const std::filesystem::path& plugin_dir) {
  const auto problems = check_strict_modes(config_file, plugin_dir, current_strict_modes_policy());
  if (problems.empty()) {
    return;
  }
  std::string message = "refusing to start (StrictModes):";
  for (const auto& problem : problems) {
    message += "\n  " + problem;
  }
  throw StrictModesError(message);
}

}  // namespace eport::service
