// The message catalogue: doctor --bundle (the support bundle), in English and Simplified Chinese.
#include "messages.hpp"

namespace eport::client {

const std::vector<MessageEntry>& bundle_messages() {
  static const std::vector<MessageEntry> m = {
      {"cli.opt.bundle",
       "Also write a support bundle for the help desk to FILE (.tar.gz): reports, versions, redacted "
       "configuration, log lines, readers and USB devices; no PIN, PUK or key",
       "同时将供服务台使用的支持包写入 FILE（.tar.gz）：包括诊断报告、版本、已脱敏的配置、日志、读卡器和 USB "
       "设备；不含 PIN、PUK 或密钥"},
      {"cli.opt.bundle_lines", "Log lines and audit records to put in the bundle (default 200)",
       "支持包中包含的日志行数和审计记录数（默认 200）"},
      {"bundle.written",
       "Support bundle written: {path} ({n} files). Send it to your help desk; it holds no PIN, "
       "PUK or key.",
       "支持包已写入：{path}（{n} 个文件）。请将其发送给服务台；其中不含 PIN、PUK 或密钥。"},
      {"bundle.missing",
       "Not in the bundle (README.txt says the same):", "支持包中未包含（README.txt 中亦有说明）："},
      {"bundle.failed", "The support bundle could not be written: {detail}", "无法写入支持包：{detail}"},
      {"bundle.failed.todo", "Give a path in a directory you may write to, e.g. /tmp/eportd-bundle.tar.gz.",
       "请指定您有写入权限的目录中的路径，例如 /tmp/eportd-bundle.tar.gz。"},
  };
  return m;
}

}  // namespace eport::client
