#include "log_source.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace eport::client {

namespace {

/// The last `lines` lines of `text`.
std::string last_lines(const std::string& text, std::size_t lines) {
  if (lines == 0 || text.empty()) return {};
  std::size_t end = text.size();
  if (text.back() == '\n') --end;
  std::size_t start = end, count = 0;
  while (start > 0) {
    if (text[start - 1] == '\n' && ++count == lines) break;
    --start;
  }
  std::string out = text.substr(start);
  if (!out.empty() && out.back() != '\n') out += '\n';
  return out;
}

/// Runs a fixed command line (no user input in it) and returns its standard output, or
/// nullopt-like "" with `ok` false when it fails.
std::string run_command(const std::string& command, bool& ok) {
  std::string output;
  FILE* pipe = ::popen((command + " 2>/dev/null").c_str(), "r");
  if (!pipe) {
    ok = false;
    return {};
  }
  char buffer[4096];
  std::size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, n);
  const int status = ::pclose(pipe);
  ok = status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
  return output;
}

bool from_file(const std::string& path, std::size_t lines, LogExcerpt& out) {
  try {
    out.text = tail_file(path, lines);
  } catch (const std::exception& e) {
    out.tried.push_back(std::string("the log file: ") + e.what());
    return false;
  }
  if (out.text.empty()) {
    out.tried.push_back("the log file " + path + " is empty");
    return false;
  }
  out.source = "file " + path;
  return out.found = true;
}

bool from_journal(std::size_t lines, LogExcerpt& out) {
  bool ok = false;
  const std::string text =
      run_command("journalctl --no-pager --quiet -o short-iso -t eportd -n " + std::to_string(lines), ok);
  if (!ok) {
    out.tried.push_back("the journal: journalctl is not there or failed");
    return false;
  }
  if (text.find_first_not_of(" \n") == std::string::npos) {
    out.tried.push_back(
        "the journal: no eportd lines this user may read (uid " + std::to_string(::getuid()) +
        "; root and members of the groups adm and systemd-journal may read the system journal)");
    return false;
  }
  out.text = text;
  out.source = "journal (journalctl -t eportd)";
  return out.found = true;
}

bool from_syslog(const std::string& path, std::size_t lines, LogExcerpt& out) {
  std::ifstream in(path);
  if (!in) {
    out.tried.push_back(path + ": " + std::strerror(errno));
    return false;
  }
  std::string kept;
  for (std::string line; std::getline(in, line);)
    if (line.find(" eportd[") != std::string::npos || line.find(" eportd:") != std::string::npos)
      kept += line + "\n";
  if (kept.empty()) {
    out.tried.push_back(path + ": no eportd lines");
    return false;
  }
  out.text = last_lines(kept, lines);
  out.source = "file " + path;
  return out.found = true;
}

}  // namespace

std::string tail_file(const std::string& path, std::size_t lines) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path + ": " + std::strerror(errno));
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  std::string tail;
  // Read blocks from the end until the text holds enough lines.
  for (std::streamoff block = 65536;; block *= 2) {
    const std::streamoff start = size > block ? size - block : 0;
    in.seekg(start);
    tail.assign(static_cast<std::size_t>(size - start), '\0');
    in.read(tail.data(), static_cast<std::streamsize>(tail.size()));
    std::size_t newlines = 0;
    for (char c : tail) newlines += c == '\n' ? 1 : 0;
    if (start == 0 || newlines > lines) break;
  }
  return last_lines(tail, lines);
}

LogExcerpt last_log_lines(const nlohmann::json& log_section, std::size_t lines) {
  LogExcerpt out;
  const bool described = log_section.is_object();
  if (described && log_section.value("file", nlohmann::json()).is_string() &&
      from_file(log_section["file"].get<std::string>(), lines, out))
    return out;
  if (described && log_section.value("target", std::string()) == "stderr" && !log_section["file"].is_string())
    out.tried.push_back("eportd logs to its standard error, which is not a file (a terminal or a pipe)");
  if (from_journal(lines, out)) return out;
  for (const char* path : {"/var/log/syslog", "/var/log/daemon.log"})
    if (from_syslog(path, lines, out)) return out;
  return out;
}

}  // namespace eport::client
