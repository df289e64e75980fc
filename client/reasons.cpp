#include "reasons.hpp"

#include <cerrno>
#include <map>

#include "eport/common/reasons.hpp"
#include "ipc/error_codes.hpp"  // header only: the wire's codes, without linking eport_ipc

namespace eport::client {

namespace {

using nlohmann::json;

struct ReasonText {
  const char* what_en;
  const char* todo_en;
  const char* what_zh;
  const char* todo_zh;
};

// One row per reason of reasons.def (the protocol's; tests/unit/client checks that none is missing),
// then local reasons for connection problems and the standard codes.
const std::map<std::string, ReasonText>& reason_table() {
  static const std::map<std::string, ReasonText> table = {
      {reasons::not_authorized,
       {"You are not allowed to do this: it needs {required} rights.",
        "Run it as root, or ask your administrator to add you to the eport-admin group (then log in again).",
        "您没有执行此操作的权限：需要{required}权限。",
        "请以 root 身份运行，或请管理员将您加入 eport-admin 组（然后重新登录）。"}},
      {reasons::no_such_token,
       {"No such card: it is not inserted, or the card ID is wrong.",
        "Check the card ID with 'eportctl tokens' and make sure the card is in the reader.",
        "找不到该卡：卡未插入，或卡号有误。", "请用“eportctl tokens”核对卡号，并确认卡已插入读卡器。"}},
      {reasons::token_removed,
       {"The card was removed during the operation.",
        "Put the card back, wait until 'eportctl status' shows it, and try again.", "操作过程中卡被拔出。",
        "请重新插入卡，待“eportctl status”显示该卡后再试。"}},
      {reasons::busy,
       {"The card is busy with other requests.", "Wait a moment and try again.", "该卡正忙于处理其他请求。",
        "请稍候再试。"}},
      {reasons::timeout,
       {"The card did not answer in time.",
        "Remove the card, insert it again and retry; if it keeps happening, try another reader.",
        "卡未能及时响应。", "请拔出并重新插入卡后重试；如仍出现，请换一个读卡器。"}},
      {reasons::pin_blocked,
       {"The PIN is blocked (too many wrong PINs).",
        "Unlock the card with its PUK: eportctl unlock {token}. Card holders: bring the card to a business "
        "site.",
        "PIN 码已被锁定（输错次数过多）。",
        "请用 PUK 码解锁：eportctl unlock {token}。持卡人请携卡前往业务网点办理解锁。"}},
      {reasons::wrong_puk,
       {"Wrong PUK. Tries left: {puk_tries_left}.",
        "Check the PUK before trying again; when no tries are left the card must be replaced.",
        "PUK 码错误，剩余次数：{puk_tries_left}。", "请核对 PUK 码后再试；次数用尽后只能换卡。"}},
      {reasons::puk_blocked,
       {"The PUK is blocked: this card cannot be unlocked any more and must be replaced.",
        "The card holder must apply for a replacement card at a business site.",
        "PUK 码已被锁定：此卡无法再解锁，必须换卡。", "请持卡人前往业务网点申请换卡。"}},
      {reasons::puk_final_try,
       {"Only one PUK try is left; nothing was sent to the card.",
        "Make sure the PUK is right, then confirm that you want to use the final try.",
        "PUK 码仅剩最后一次机会，尚未向卡发送任何数据。", "请确认 PUK 码无误后，再确认使用最后一次机会。"}},
      {reasons::pin_final_try,
       {"Only one PIN try is left; nothing was sent to the card.",
        "Make sure the current PIN is right, then confirm that you want to use the final try.",
        "PIN 码仅剩最后一次机会，尚未向卡发送任何数据。",
        "请确认当前 PIN 码无误后，再确认使用最后一次机会。"}},
      {reasons::audit_failed,
       {"eportd could not write its audit record, so nothing was sent to the card.",
        "Ask the administrator to check the disk that holds /var/lib/eportd.",
        "eportd 无法写入审计记录，因此未向卡发送任何数据。", "请管理员检查存放 /var/lib/eportd 的磁盘。"}},
      {reasons::invalid_pin,
       {"The new PIN does not fit the card's rules.", "Choose a PIN of 6 to 8 characters.",
        "新 PIN 码不符合卡的规则。", "请设置 6 至 8 位的 PIN 码。"}},
      {reasons::cert_invalid,
       {"The file is not a certificate (X.509, PEM or DER).",
        "Check that you picked the certificate issued for this card, not a key or a request.",
        "该文件不是证书（PEM 或 DER 格式的 X.509 证书）。",
        "请确认所选文件是为此卡签发的证书，而不是密钥或证书请求。"}},
      {reasons::cert_key_mismatch,
       {"This certificate does not belong to the key on the card.",
        "Use the certificate issued for this card: its public key must match the key in that slot.",
        "该证书与卡内密钥不匹配。", "请使用为此卡签发的证书：证书公钥必须与该槽位的密钥一致。"}},
      {reasons::cert_not_valid_now,
       {"The certificate is not valid now (valid from {not_before} to {not_after}).",
        "Ask the issuer for a current certificate, or check this computer's date and time.",
        "该证书当前不在有效期内（有效期 {not_before} 至 {not_after}）。",
        "请向签发机构索取当前有效的证书，或检查本机的日期和时间。"}},
      {reasons::write_verify_failed,
       {"The written certificate did not read back correctly. Old certificate put back: {restored}.",
        "Try again; if it fails again the card may be faulty and should be replaced.",
        "写入的证书回读校验失败。原证书已恢复：{restored}。",
        "请重试；如再次失败，卡可能已损坏，需要换卡。"}},
      {reasons::management_key_required,
       {"The card needs its management key for this.",
        "Give it with --management-key-file FILE, or ask your administrator to set the driver's "
        "management_key_file in eportd's configuration. A USBKey (skf:...) takes its user PIN "
        "instead: --with-pin.",
        "此操作需要卡的管理密钥。",
        "请用 --management-key-file 文件 提供该密钥，或请管理员在 eportd 配置中设置驱动的 "
        "management_key_file。USBKey（skf:...）则需要其用户 PIN 码：--with-pin。"}},
      {reasons::wrong_management_key,
       {"The card refused the management key.",
        "Check the key file given with --management-key-file, or the driver's management_key_file in "
        "eportd's configuration (ask your administrator).",
        "卡拒绝了管理密钥。",
        "请检查 --management-key-file 指定的密钥文件，或 eportd 配置中驱动的 "
        "management_key_file（请联系管理员）。"}},
      {reasons::unsupported,
       {"This card or its driver cannot do this.",
        "Use the card issuer's tools, or bring the card to a business site.", "此卡或其驱动不支持该操作。",
        "请使用发卡机构的工具，或携卡前往业务网点办理。"}},
      {reasons::pcsc_unavailable,
       {"The smart-card service (pcscd) is not running.", "Start it as root: systemctl start pcscd.socket",
        "智能卡服务（pcscd）未运行。", "请以 root 身份启动：systemctl start pcscd.socket"}},
      {reasons::driver_error,
       {"The card driver reported an error: {detail}",
        "Remove and re-insert the card and try again; if it persists, give this message to support.",
        "卡驱动报告错误：{detail}", "请拔插卡后重试；如仍出现，请将此信息提供给技术支持。"}},
      {reasons::cert_not_found,
       {"There is no certificate in this slot.",
        "Check the slot with 'eportctl status'; a renewed certificate can be written with 'eportctl renew'.",
        "该槽位中没有证书。", "请用“eportctl status”核对槽位；可用“eportctl renew”写入续期后的证书。"}},
      {reasons::wrong_pin,
       {"Wrong PIN. Tries left: {tries_left}.",
        "Check the PIN before trying again; when no tries are left the PIN is blocked and must be unlocked "
        "with the PUK.",
        "PIN 码错误，剩余次数：{tries_left}。",
        "请核对 PIN 码后再试；次数用尽后 PIN 码将被锁定，需用 PUK 码解锁。"}},
      {reasons::backup_failed,
       {"The old certificate could not be backed up, so nothing was written to the card.",
        "Ask your administrator to check that eportd can write its state directory ('eportctl doctor'), then "
        "try again.",
        "无法备份原证书，因此未向卡写入任何内容。",
        "请管理员检查 eportd 能否写入其状态目录（“eportctl doctor”），然后重试。"}},
      {reasons::too_many_clients,
       {"eportd is serving as many connections as it may ({limit}).",
        "Wait a moment and try again; if it persists, ask your administrator which programs keep connections "
        "to "
        "eportd open.",
        "eportd 的连接数已达上限（{limit}）。",
        "请稍候再试；如仍出现，请管理员检查哪些程序一直占用与 eportd 的连接。"}},
      {"method_not_found",
       {"This eportd does not offer this function (it may be older than eportctl).",
        "Update eportd to the version of eportctl.", "此版本的 eportd 不提供该功能（可能比 eportctl 旧）。",
        "请将 eportd 升级到与 eportctl 相同的版本。"}},
      {"invalid_params",
       {"eportd did not accept the request: {message}",
        "Check the command's arguments: eportctl <command> --help", "eportd 不接受该请求：{message}",
        "请检查命令参数：eportctl <命令> --help"}},
      {"daemon_error",
       {"eportd reported an error: {message}",
        "Try again; if it persists, look at eportd's log: journalctl -u eportd", "eportd 报告错误：{message}",
        "请重试；如仍出现，请查看 eportd 日志：journalctl -u eportd"}},
      {"no_daemon",
       {"eportd is not running (no socket at {path}).",
        "Start it as root: systemctl start eportd.socket — or give the right path with --socket.",
        "eportd 未运行（{path} 处没有套接字）。",
        "请以 root 身份启动：systemctl start eportd.socket，或用 --socket 指定正确的路径。"}},
      {"socket_permission",
       {"You may not connect to eportd at {path} (permission denied).",
        "Ask your administrator to add you to the eport group, then log in again.",
        "无权连接 {path} 处的 eportd（权限被拒绝）。", "请管理员将您加入 eport 组，然后重新登录。"}},
      {"stale_socket",
       {"eportd is not answering at {path} (the socket is left over from a stopped daemon).",
        "Restart it as root: systemctl restart eportd",
        "eportd 在 {path} 没有响应（套接字是已停止的守护进程遗留的）。",
        "请以 root 身份重启：systemctl restart eportd"}},
      {"unreachable",
       {"Cannot talk to eportd at {path}: {detail}", "Check that eportd runs: systemctl status eportd",
        "无法与 {path} 处的 eportd 通信：{detail}", "请检查 eportd 是否在运行：systemctl status eportd"}},
  };
  return table;
}

std::string scalar_text(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "yes" : "no";
  return v.dump();
}

}  // namespace

Explanation explain_reason(Lang lang, const std::string& reason, const json& data,
                           const std::string& message) {
  std::map<std::string, std::string> vars{{"message", message}, {"required", "admin"},   {"token", "<card>"},
                                          {"detail", message},  {"puk_tries_left", "?"}, {"tries_left", "?"},
                                          {"limit", "?"}};
  if (data.is_object())
    for (const auto& [k, v] : data.items())
      if (!v.is_null() && !v.is_object() && !v.is_array()) vars[k] = scalar_text(v);
  if (lang == Lang::zh && vars.count("restored"))
    vars["restored"] = data.value("restored", false) ? "是" : "否";
  if (lang == Lang::zh && vars["required"] == "admin") vars["required"] = "管理员";
  const auto& table = reason_table();
  auto it = table.find(reason);
  if (it == table.end()) it = table.find("daemon_error");
  const ReasonText& t = it->second;
  return {reason.empty() ? std::string("daemon_error") : reason,
          subst(lang == Lang::zh ? t.what_zh : t.what_en, vars),
          subst(lang == Lang::zh ? t.todo_zh : t.todo_en, vars), data};
}

Explanation explain_rpc_error(Lang lang, const RpcError& error) {
  std::string reason = error.reason;
  if (reason.empty()) {
    switch (error.code) {
      case ipc::kMethodNotFound: reason = "method_not_found"; break;
      case ipc::kInvalidParams: reason = "invalid_params"; break;
      default: reason = "daemon_error"; break;
    }
  }
  return explain_reason(lang, reason, error.data, error.what());
}

Explanation explain_connect_error(Lang lang, const ConnectError& error) {
  std::string reason = "unreachable";
  if (error.err == ENOENT || error.err == ENOTDIR) reason = "no_daemon";
  else if (error.err == EACCES || error.err == EPERM) reason = "socket_permission";
  else if (error.err == ECONNREFUSED) reason = "stale_socket";
  json data = {{"path", error.path}, {"detail", error.what()}};
  auto e = explain_reason(lang, reason, data, error.what());
  return e;
}

std::vector<std::string> known_reasons() {
  std::vector<std::string> out;
  for (const auto& [k, v] : reason_table()) out.push_back(k);
  return out;
}

}  // namespace eport::client
