// The message catalogue: --help texts, in English and Simplified Chinese.
#include "messages.hpp"

namespace eport::client {

const std::vector<MessageEntry>& cli_messages() {
  static const std::vector<MessageEntry> m = {
      {"cli.description",
       "eportctl: check and service China Electronic Port IC cards and USBKeys through eportd",
       "eportctl：通过 eportd 检查和维护中国电子口岸 IC 卡及 USBKey"},
      {"cli.examples",
       "Examples:\n"
       "  eportctl status                  every reader and card; a locked card shows \"PIN: BLOCKED\"\n"
       "  eportctl unlock piv:0001e240     unlock it with the PUK (the PIN becomes 88888888)\n"
       "  eportctl renew piv:0001e240 --slot 9a --cert renewed.pem --reset-pin\n"
       "                                   write a renewed certificate, then reset the PIN\n"
       "  eportctl check --warn-days 30    for scripts: exit 0 valid, 1 expiring, 2 expired/blocked, 3 no "
       "card\n"
       "  eportctl doctor                  what is wrong with this computer's set-up, and what to do\n"
       "\n"
       "Help desk, step by step: 'eportctl status' finds the locked card and its card ID;\n"
       "'eportctl unlock ID' unlocks it; 'eportctl renew ID --cert FILE --reset-pin' extends its "
       "certificate.\n"
       "Exit codes: 0 done, 1 failed or refused, 3 eportd unreachable, 4 cancelled, 64 bad usage (check: see "
       "its help).\n"
       "More: eportctl COMMAND --help, man eportctl. Chinese output: --lang zh or LANG=zh_CN.UTF-8.",
       "示例：\n"
       "  eportctl status                  显示所有读卡器和卡；被锁的卡显示“PIN 码：已锁定”\n"
       "  eportctl unlock piv:0001e240     用 PUK 码解锁（PIN 码恢复为 88888888）\n"
       "  eportctl renew piv:0001e240 --slot 9a --cert renewed.pem --reset-pin\n"
       "                                   写入更新后的证书，然后重置 PIN 码\n"
       "  eportctl check --warn-days 30    供脚本使用：退出码 0 正常，1 即将过期，2 已过期/已锁，3 无卡\n"
       "  eportctl doctor                  检查本机环境的问题，并给出处理方法\n"
       "\n"
       "服务台操作步骤：用“eportctl status”找到被锁的卡及其卡号；\n"
       "用“eportctl unlock 卡号”解锁；用“eportctl renew 卡号 --cert 文件 --reset-pin”更新证书。\n"
       "退出码：0 完成，1 失败或被拒绝，3 无法连接 eportd，4 已取消，64 用法错误（check 见其帮助）。\n"
       "更多信息：eportctl 命令 --help，man eportctl。英文输出：--lang en。"},
      {"cli.status", "Show every reader and card: PIN tries left, PUK, certificates and their expiry",
       "显示所有读卡器和卡：PIN 码剩余次数、PUK 码、证书及有效期"},
      {"cli.status.examples",
       "Examples:\n  eportctl status\n  eportctl status piv:0001e240\n  eportctl status --json",
       "示例：\n  eportctl status\n  eportctl status piv:0001e240\n  eportctl status --json"},
      {"cli.tokens", "List the cards (tokens) and their card IDs", "列出所有卡及其卡号"},
      {"cli.tokens.examples", "Example:\n  eportctl tokens", "示例：\n  eportctl tokens"},
      {"cli.readers", "List the card readers", "列出所有读卡器"},
      {"cli.readers.examples", "Example:\n  eportctl readers", "示例：\n  eportctl readers"},
      {"cli.check",
       "Check certificates and PINs; exit 0 all valid, 1 expiring, 2 expired or PIN blocked, 3 no card or "
       "eportd down",
       "检查证书和 PIN 码；退出码 0 全部正常，1 即将过期，2 已过期或 PIN 码已锁，3 无卡或无法连接 eportd"},
      {"cli.check.examples",
       "Examples:\n  eportctl check\n  eportctl check piv:0001e240 --warn-days 30\n"
       "  eportctl check --json || echo \"attention: exit $?\"",
       "示例：\n  eportctl check\n  eportctl check piv:0001e240 --warn-days 30\n"
       "  eportctl check --json || echo \"需要处理：退出码 $?\""},
      {"cli.unlock", "Unlock a card: reset the PIN to the default 88888888 with the PUK (admin)",
       "解锁：用 PUK 码将 PIN 码重置为初始密码 88888888（需管理员权限）"},
      {"cli.unlock.examples",
       "Examples:\n  eportctl unlock piv:0001e240            asks for the PUK (not shown)\n"
       "  printf '%s\\n' \"$PUK\" | eportctl unlock piv:0001e240 --puk-stdin\n"
       "The PUK is never taken as an argument (it would show in 'ps'). On the PUK's last try you must type "
       "YES.",
       "示例：\n  eportctl unlock piv:0001e240            提示输入 PUK 码（不回显）\n"
       "  printf '%s\\n' \"$PUK\" | eportctl unlock piv:0001e240 --puk-stdin\n"
       "PUK 码不能作为命令行参数（会在“ps”中显示）。PUK 码仅剩最后一次机会时，必须输入 YES 确认。"},
      {"cli.renew", "Write a renewed certificate to a card, then optionally reset the PIN (admin)",
       "将更新后的证书写入卡中，并可重置 PIN 码（需管理员权限）"},
      {"cli.renew.examples",
       "Examples:\n  eportctl renew piv:0001e240 --slot 9a --cert renewed.pem\n"
       "  eportctl renew piv:0001e240 --cert renewed.der --reset-pin --yes\n"
       "Shows the old and the new certificate side by side and asks before writing.",
       "示例：\n  eportctl renew piv:0001e240 --slot 9a --cert renewed.pem\n"
       "  eportctl renew piv:0001e240 --cert renewed.der --reset-pin --yes\n"
       "写入前并排显示新旧证书，并请求确认。"},
      {"cli.change_pin", "Change the PIN of a card (for card holders)", "修改卡的 PIN 码（供持卡人使用）"},
      {"cli.change_pin.examples",
       "Examples:\n  eportctl change-pin piv:0001e240\n"
       "  printf '%s\\n%s\\n' \"$OLD\" \"$NEW\" | eportctl change-pin piv:0001e240 --stdin",
       "示例：\n  eportctl change-pin piv:0001e240\n"
       "  printf '%s\\n%s\\n' \"$OLD\" \"$NEW\" | eportctl change-pin piv:0001e240 --stdin"},
      {"cli.open", "Print the address of the status page in the browser (needs web: in eportd.yaml)",
       "显示浏览器状态页面的地址（需要在 eportd.yaml 中配置 web:）"},
      {"cli.open.examples", "Examples:\n  eportctl open\n  xdg-open \"$(eportctl open)\"",
       "示例：\n  eportctl open\n  xdg-open \"$(eportctl open)\""},
      {"cli.watch", "Show live events: cards inserted and removed, PIN changes, expiry warnings",
       "实时显示事件：插入和拔出卡、PIN 码变更、证书到期提醒"},
      {"cli.watch.examples", "Examples:\n  eportctl watch\n  eportctl watch --json | jq .topic",
       "示例：\n  eportctl watch\n  eportctl watch --json | jq .topic"},
      {"cli.doctor", "Check this computer's set-up and say what to do about each problem",
       "检查本机环境，并对每个问题给出处理方法"},
      {"cli.doctor.examples",
       "Examples:\n  eportctl doctor\n  eportctl doctor --json\n  eportctl doctor --bundle "
       "/tmp/eportd-bundle.tar.gz",
       "示例：\n  eportctl doctor\n  eportctl doctor --json\n  eportctl doctor --bundle "
       "/tmp/eportd-bundle.tar.gz"},
      {"cli.audit", "Show the last records of eportd's audit log (admin)",
       "显示 eportd 审计日志的最近记录（需管理员权限）"},
      {"cli.audit.examples", "Example:\n  eportctl audit -n 50", "示例：\n  eportctl audit -n 50"},
      {"cli.call", "Send a raw protocol request and print the result (for scripts and debugging)",
       "发送原始协议请求并显示结果（用于脚本和调试）"},
      {"cli.call.examples",
       "Examples:\n  eportctl call daemon.info\n  eportctl call token.status '{\"token\":\"piv:0001e240\"}'",
       "示例：\n  eportctl call daemon.info\n  eportctl call token.status '{\"token\":\"piv:0001e240\"}'"},
      {"cli.opt.token", "Card ID as shown by 'eportctl tokens', e.g. piv:0001e240",
       "卡号，见“eportctl tokens”，例如 piv:0001e240"},
      {"cli.opt.token_optional", "Only this card (default: all cards)", "仅此卡（默认：所有卡）"},
      {"cli.opt.warn_days", "Count a certificate as expiring when it has at most N days left",
       "证书剩余天数不超过 N 天即视为即将过期"},
      {"cli.opt.puk_stdin", "Read the PUK from the first line of standard input instead of the terminal",
       "从标准输入的第一行读取 PUK 码，而不是从终端读取"},
      {"cli.opt.slot",
       "Certificate slot as the card lists it (eportctl status shows them); default: the slot that "
       "holds the card's certificate",
       "证书槽位，以卡列出的为准（见“eportctl status”）；默认：卡上存放证书的槽位"},
      {"cli.opt.cert", "The renewed certificate file (PEM or DER)", "更新后的证书文件（PEM 或 DER）"},
      {"cli.opt.reset_pin", "After writing, reset the PIN to the default with the PUK (as 'unlock' does)",
       "写入后用 PUK 码将 PIN 码重置为初始密码（同“unlock”）"},
      {"cli.opt.yes", "Do not ask for confirmation before writing", "写入前不再询问确认"},
      {"cli.opt.force", "Write even if the certificate is not valid now", "即使证书当前不在有效期内也写入"},
      {"cli.opt.with_pin",
       "Ask for the token's user PIN before writing: SKF USBKeys store a certificate only after it "
       "(with --puk-stdin: the first line of standard input)",
       "写入前询问介质的用户口令：SKF USBKey 只有验证口令后才能写入证书（与 --puk-stdin "
       "同用时：标准输入的第一行）"},
      {"cli.opt.mgm_key_file",
       "File with the card's management key in hex (default: the key eportd is configured with)",
       "存放卡管理密钥（十六进制）的文件（默认：使用 eportd 配置中的密钥）"},
      {"cli.verify_pin", "Check the PIN of a card; the card is left locked (for card holders)",
       "核对卡的 PIN 码；核对后卡仍保持锁定（供持卡人使用）"},
      {"cli.verify_pin.examples",
       "Examples:\n  eportctl verify-pin piv:0001e240\n"
       "  printf '%s\\n' \"$PIN\" | eportctl verify-pin piv:0001e240 --stdin",
       "示例：\n  eportctl verify-pin piv:0001e240\n"
       "  printf '%s\\n' \"$PIN\" | eportctl verify-pin piv:0001e240 --stdin"},
      {"cli.opt.pin_stdin", "Read the PIN from one line of standard input", "从标准输入的一行读取 PIN 码"},
      {"cli.opt.pins_stdin", "Read the current and the new PIN from two lines of standard input",
       "从标准输入的两行分别读取当前 PIN 码和新 PIN 码"},
      {"cli.opt.limit", "Number of records to show", "显示的记录条数"},
      {"cli.opt.method", "Protocol method, e.g. daemon.info", "协议方法，例如 daemon.info"},
      {"cli.opt.params", "Parameters as one JSON object", "参数（一个 JSON 对象）"},
      {"cli.opt.socket", "eportd's socket (default /run/eportd/eportd.sock)",
       "eportd 套接字（默认 /run/eportd/eportd.sock）"},
      {"cli.opt.json", "Machine-readable JSON output", "输出机器可读的 JSON"},
      {"cli.opt.lang", "Output language: en or zh (default: from LC_ALL, LC_MESSAGES or LANG)",
       "输出语言：en 或 zh（默认取自 LC_ALL、LC_MESSAGES 或 LANG）"},
      {"cli.opt.version", "Show the version and exit", "显示版本并退出"},
      {"cli.opt.help", "Show this help and exit", "显示此帮助并退出"},
  };
  return m;
}

}  // namespace eport::client
