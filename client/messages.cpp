// The message catalogue: output texts of the commands, in English and Simplified Chinese.
#include "messages.hpp"

namespace eport::client {

const std::map<std::string_view, MessageEntry>& message_catalogue() {
  static const std::map<std::string_view, MessageEntry> catalogue = [] {
    std::map<std::string_view, MessageEntry> m;
    for (const auto* part : {&output_messages(), &doctor_messages(), &cli_messages(), &bundle_messages()})
      for (const auto& e : *part) m.emplace(e.key, e);
    return m;
  }();
  return catalogue;
}

const std::vector<MessageEntry>& output_messages() {
  static const std::vector<MessageEntry> m = {
      {"list.sep", ", ", "，"},
      {"word.yes", "yes", "是"},
      {"word.no", "no", "否"},
      {"cancelled", "Cancelled: nothing was changed.", "已取消：未做任何更改。"},
      {"error.prefix", "Error: ", "错误："},
      {"error.todo", "What to do: ", "处理方法："},
      {"error.reason", "reason: ", "原因代码："},
      {"error.internal.todo", "This is a bug in eportctl; please report it with the command you ran.",
       "这是 eportctl 的缺陷；请将所运行的命令报告给技术支持。"},
      // PIN states
      {"pin.state.ok", "OK", "正常"},
      {"pin.state.low", "not blocked, but wrong PINs were entered", "未锁定，但已有输错记录"},
      {"pin.state.final_try", "FINAL TRY: the next wrong PIN blocks the card", "仅剩最后一次：再输错将锁卡"},
      {"pin.state.blocked", "BLOCKED", "已锁定"},
      {"pin.state.unknown", "unknown (the card does not tell)", "未知（卡未提供该信息）"},
      {"pin.state.none", "not available", "无"},
      {"pin.tries_of", "{left} of {max} tries left", "剩余 {left}/{max} 次"},
      {"pin.tries", "{left} tries left", "剩余 {left} 次"},
      {"pin.default", "still the default PIN (88888888)", "仍为初始密码（88888888）"},
      {"puk.default", "still the issuer's default PUK", "仍为发卡时的初始 PUK 码"},
      // status
      {"status.readers", "Readers", "读卡器"},
      {"status.no_readers", "No reader found. Connect a card reader or USBKey.",
       "未发现读卡器。请连接读卡器或 USBKey。"},
      {"status.card_present", "card inserted", "已插卡"},
      {"status.empty", "empty", "无卡"},
      {"status.no_tokens", "No card found. Insert the IC card or USBKey and try again.",
       "未发现卡。请插入 IC 卡或 USBKey 后重试。"},
      {"status.card", "Card {id}  ({model}, reader: {reader})", "卡 {id}（{model}，读卡器：{reader}）"},
      {"status.token_error", "the card cannot be read: {error}", "无法读取此卡：{error}"},
      {"status.pin", "PIN: ", "PIN 码："},
      {"status.puk", "PUK: ", "PUK 码："},
      {"status.admin_pin", "Admin PIN: ", "管理员 PIN 码："},
      {"status.so_pin", "SO PIN: ", "SO PIN 码（安全员）："},
      {"status.no_certs", "no certificate on this card", "此卡上没有证书"},
      {"cert.line", "Certificate {slot} ({label}): {subject}", "证书 {slot}（{label}）：{subject}"},
      {"cert.expires_on", "valid until {date}, {days} days left", "有效期至 {date}，剩余 {days} 天"},
      {"cert.expired_on", "EXPIRED on {date} ({ago} days ago)", "已于 {date} 过期（{ago} 天前）"},
      {"cert.valid_from", "not valid before {from}", "{from} 起才生效"},
      {"col.reader", "READER", "读卡器"},
      {"col.card", "CARD", "卡"},
      {"col.token", "CARD ID", "卡号"},
      {"col.atr", "ATR", "ATR"},
      {"col.kind", "KIND", "类型"},
      {"col.driver", "DRIVER", "驱动"},
      {"col.label", "LABEL", "标签"},
      {"col.state", "STATE", "状态"},
      // check
      {"check.card", "Card {id}", "卡 {id}"},
      {"check.verdict.ok", "All certificates are valid and no PIN is blocked.",
       "所有证书均有效，且没有 PIN 码被锁定。"},
      {"check.verdict.expiring", "A certificate expires soon (exit code 1).", "有证书即将过期（退出码 1）。"},
      {"check.verdict.bad", "A certificate has expired or a PIN is blocked (exit code 2).",
       "有证书已过期或有 PIN 码被锁定（退出码 2）。"},
      {"check.verdict.none", "No card to check (exit code 3).", "没有可检查的卡（退出码 3）。"},
      // advice and guidance
      {"advice.heading", "What to do", "处理建议"},
      {"advice.pin_blocked", "Card {token}: the PIN is blocked.", "卡 {token}：PIN 码已被锁定。"},
      {"advice.pin_blocked.desk", "Help desk: unlock it with the PUK: eportctl unlock {token}",
       "服务台：可用 PUK 码解锁：eportctl unlock {token}"},
      {"advice.holder_unlock",
       "Card holder: have the card unlocked at a business site (the PIN becomes 88888888, the certificate "
       "stays valid).",
       "持卡人：请到业务网点办理解锁（解锁后 PIN 码恢复为 88888888，证书有效期不变）。"},
      {"advice.pin_final_try",
       "Card {token}: only one PIN try is left; the next wrong PIN blocks the card. Be sure of the PIN "
       "before the next login.",
       "卡 {token}：PIN 码仅剩最后一次机会，再输错一次将锁卡。下次登录前请确认密码无误。"},
      {"advice.pin_default",
       "Card {token}: the PIN is still the default 88888888. The card holder should change it: eportctl "
       "change-pin {token}",
       "卡 {token}：PIN 码仍为初始密码 88888888。持卡人应尽快修改：eportctl change-pin {token}"},
      {"advice.puk_blocked",
       "Card {token}: the PUK is blocked; if the PIN gets blocked, the card cannot be unlocked and must be "
       "replaced.",
       "卡 {token}：PUK 码已被锁定；如 PIN 码被锁，此卡将无法解锁，只能换卡。"},
      {"advice.holder_replace", "Card holder: a replacement card is made at a business site.",
       "持卡人：换卡须到业务网点办理。"},
      {"advice.cert_expired",
       "Card {token}, slot {slot}: the certificate expired on {date} ({ago} days ago); logging in to the "
       "Electronic Port "
       "fails until it is renewed.",
       "卡 {token}，槽位 {slot}：证书已于 {date} 过期（{ago} 天前）；更新前无法登录电子口岸。"},
      {"advice.cert_expiring",
       "Card {token}, slot {slot}: the certificate expires on {date} ({days} days left).",
       "卡 {token}，槽位 {slot}：证书将于 {date} 到期（剩余 {days} 天）。"},
      {"advice.holder_renew",
       "Card holder: have the certificate extended at a business site (valid for 10 years afterwards; the "
       "PIN becomes "
       "88888888).",
       "持卡人：请到业务网点办理证书更新（更新后有效期 10 年，PIN 码恢复为 88888888）。"},
      {"advice.holder_renew_soon",
       "Card holder: have the certificate extended at a business site before that date (valid for 10 years "
       "afterwards; "
       "the PIN becomes 88888888).",
       "持卡人：请在到期前到业务网点办理证书更新（更新后有效期 10 年，PIN 码恢复为 88888888）。"},
      {"advice.renew.desk",
       "Help desk, with the renewed certificate file: eportctl renew {token} --slot {slot} --cert FILE "
       "--reset-pin",
       "服务台（已有更新后的证书文件时）：eportctl renew {token} --slot {slot} --cert 文件 --reset-pin"},
      {"advice.renew.desk_pin",
       "Help desk, with the renewed certificate file: eportctl renew {token} --slot {slot} --cert FILE "
       "--with-pin (the USBKey's user PIN authorises the write)",
       "服务台（已有更新后的证书文件时）：eportctl renew {token} --slot {slot} --cert 文件 --with-pin"
       "（写入需要 USBKey 的用户 PIN 码）"},
      {"advice.cert_not_yet_valid",
       "Card {token}, slot {slot}: the certificate is not valid yet; check this computer's date and time.",
       "卡 {token}，槽位 {slot}：证书尚未生效；请检查本机的日期和时间。"},
      {"guide.bring", "Bring: {items}", "请携带：{items}"},
      {"guide.where", "Where card holders go (business sites):", "持卡人办理地点（业务网点）："},
      {"guide.site", "- {name}: {address}, tel. {phone}", "- {name}：{address}，电话 {phone}"},
      {"guide.contact", "{contact}", "{contact}"},
      // unlock, change-pin
      {"unlock.not_blocked", "Note: the PIN is not blocked; unlocking resets it to the default anyway.",
       "注意：PIN 码未被锁定；解锁仍会将其重置为初始密码。"},
      {"unlock.puk_prompt", "PUK (not shown): ", "请输入 PUK 码（不回显）："},
      {"unlock.admin_pin_prompt", "Admin PIN (not shown): ", "请输入管理员 PIN 码（不回显）："},
      {"unlock.so_pin_prompt", "SO PIN (not shown): ", "请输入 SO PIN 码（安全员，不回显）："},
      {"unlock.puk_unknown",
       "Warning: this card does not tell how many PUK tries are left, and eportd has not seen it answer a "
       "PUK yet, so it cannot stop a wrong PUK on the last try. Use the PUK from the card's documents; do "
       "not guess.",
       "警告：此卡不提供 PUK 码剩余次数，eportd 也尚未见过此卡对 PUK "
       "码的应答，因此无法在最后一次机会时阻止错误的"
       " PUK 码。请使用卡片资料中的 PUK 码，切勿猜测。"},
      {"pin.final_try.banner", "!!! WARNING: THIS IS THE PIN'S LAST TRY !!!",
       "！！！警告：PIN 码仅剩最后一次机会！！！"},
      {"pin.final_try.text",
       "If the current PIN is wrong now, the PIN is blocked and the card must be unlocked with its PUK.",
       "如果此次当前 PIN 码错误，PIN 码将被锁定，需要用 PUK 码解锁。"},
      {"unlock.no_puk", "No PUK was given.", "未输入 PUK 码。"},
      {"unlock.no_puk.todo", "Run it on a terminal to be asked for the PUK, or pipe it in with --puk-stdin.",
       "请在终端中运行以输入 PUK 码，或用 --puk-stdin 从标准输入传入。"},
      {"unlock.final_try.banner", "!!! WARNING: THIS IS THE PUK'S LAST TRY !!!",
       "！！！警告：PUK 码仅剩最后一次机会！！！"},
      {"unlock.final_try.text",
       "If this PUK is wrong, the PUK is blocked for good: the card can never be unlocked again and must be "
       "replaced "
       "at a business site.",
       "如果此次 PUK 码错误，PUK 码将被永久锁定：此卡再也无法解锁，只能到业务网点换卡。"},
      {"unlock.final_try.question", "Type YES to use the last try (anything else cancels): ",
       "确认使用最后一次机会请输入 YES（或“是”），输入其他内容将取消："},
      {"unlock.progress", "Resetting the PIN…", "正在重置 PIN 码…"},
      {"unlock.done", "Card unlocked: the PIN is now the default 88888888.",
       "卡已解锁：PIN 码已恢复为初始密码 88888888。"},
      {"unlock.tell_holder", "Tell the card holder to change it: eportctl change-pin {token}",
       "请提醒持卡人修改密码：eportctl change-pin {token}"},
      {"pin.prompt.old", "Current PIN (not shown): ", "当前 PIN 码（不回显）："},
      {"pin.prompt.new", "New PIN, 6 to 8 characters (not shown): ", "新 PIN 码，6 至 8 位（不回显）："},
      {"pin.prompt.again", "New PIN again: ", "再次输入新 PIN 码："},
      {"pin.no_input", "No PIN was given.", "未输入 PIN 码。"},
      {"pin.no_input.todo",
       "Run it on a terminal, or give the current and the new PIN on two lines with --stdin.",
       "请在终端中运行，或用 --stdin 分两行传入当前 PIN 码和新 PIN 码。"},
      {"pin.mismatch", "The two new PINs differ; nothing was changed.",
       "两次输入的新 PIN 码不一致；未做任何更改。"},
      {"pin.mismatch.todo", "Run it again and type the same new PIN twice.",
       "请重新运行，并两次输入相同的新 PIN 码。"},
      {"pin.progress", "Changing the PIN…", "正在修改 PIN 码…"},
      {"pin.changed", "PIN changed.", "PIN 码已修改。"},
      {"verify.prompt", "PIN (not shown): ", "PIN 码（不回显）："},
      {"verify.no_input.todo", "Run it on a terminal, or give the PIN on one line with --stdin.",
       "请在终端中运行，或用 --stdin 从一行传入 PIN 码。"},
      {"verify.progress", "Checking the PIN…", "正在核对 PIN 码…"},
      {"verify.ok", "The PIN is right. The card is locked again.", "PIN 码正确。卡已重新锁定。"},
      // renew
      {"renew.heading", "Certificate slot {slot} of card {token}:", "卡 {token} 的证书槽位 {slot}："},
      {"renew.col.old", "On the card now", "卡内现有证书"},
      {"renew.col.new", "New certificate", "新证书"},
      {"field.subject", "Subject", "主题"},
      {"field.issuer", "Issuer", "颁发者"},
      {"field.key", "Key", "密钥"},
      {"field.not_before", "Valid from", "生效时间"},
      {"field.not_after", "Valid until", "到期时间"},
      {"field.days_left", "Days left", "剩余天数"},
      {"field.serial", "Serial", "序列号"},
      {"field.sha256", "SHA-256", "SHA-256"},
      {"renew.slot_empty", "(the slot holds no certificate yet)", "（该槽位目前没有证书）"},
      {"renew.no_such_slot", "Card {token} has no slot {slot}.", "卡 {token} 没有槽位 {slot}。"},
      {"renew.slots_todo", "Give --slot with one of its slots: {slots}.",
       "请用 --slot 指定它的一个槽位：{slots}。"},
      {"renew.choose_slot", "Card {token} has several certificate slots.", "卡 {token} 有多个证书槽位。"},
      {"renew.key_differs",
       "The key type differs from the certificate on the card: eportd refuses a certificate for another key.",
       "密钥类型与卡内现有证书不同：证书不属于卡内密钥时，eportd 将拒绝写入。"},
      {"renew.not_valid_now",
       "The new certificate is not valid now ({from} to {to}); eportd refuses it unless you add --force.",
       "新证书当前不在有效期内（{from} 至 {to}）；除非加 --force，eportd 将拒绝写入。"},
      {"renew.not_valid_forced",
       "The new certificate is not valid now ({from} to {to}); writing anyway (--force).",
       "新证书当前不在有效期内（{from} 至 {to}）；已指定 --force，仍将写入。"},
      {"renew.question", "Write the new certificate to the card? [y/N] ", "将新证书写入卡中？[y/N] "},
      {"renew.cancel_todo", "Nothing was written. Run again and answer y, or add --yes.",
       "未写入任何数据。如需写入，请重新运行并回答 y，或加 --yes。"},
      {"renew.progress", "Writing certificate…", "正在写入证书…"},
      {"renew.pin_prompt", "User PIN of the token: ", "介质的用户口令："},
      {"renew.done",
       "Certificate written and verified. Read back from the card:", "证书已写入并校验通过。从卡中回读："},
      {"renew.backup", "The old certificate is kept in {path}", "原证书已备份至 {path}"},
      {"renew.reset_pin_heading", "Resetting the PIN to the default", "将 PIN 码重置为初始密码"},
      // watch, audit, call
      {"watch.started", "Watching eportd's events; press Ctrl-C to stop.",
       "正在监视 eportd 事件；按 Ctrl-C 停止。"},
      {"event.dropped", "{count} events were dropped (this watcher was too slow)",
       "丢失了 {count} 个事件（接收过慢）"},
      {"audit.outcome", "{outcome}", "{outcome}"},
      {"open.hint", "Open this address in a web browser on this computer to see your cards.",
       "在本机的浏览器中打开此地址即可查看您的卡。"},
      {"open.off", "eportd's status page is off.", "eportd 的状态页面未开启。"},
      {"open.off.todo",
       "Ask the administrator to add a web: section to /etc/eportd/eportd.yaml (docs/web.md) and restart "
       "eportd.",
       "请管理员在 /etc/eportd/eportd.yaml 中添加 web: 一节（见 docs/web.md）并重启 eportd。"},
      {"audit.empty", "No audit records.", "没有审计记录。"},
      {"call.bad_json", "The parameters are not a JSON object.", "参数不是 JSON 对象。"},
      {"call.bad_json.todo", "Give them as one JSON object, e.g. '{\"token\":\"piv:0001e240\"}'.",
       "请以一个 JSON 对象给出，例如 '{\"token\":\"piv:0001e240\"}'。"},
  };
  return m;
}

}  // namespace eport::client
