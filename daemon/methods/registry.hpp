#pragma once
// One registration call per method family. Later families (tokens, pin, cert) follow the same
// pattern: `void register_xxx_methods(ipc::MethodTable&, ServiceContext&, ...)`.

#include "ipc/dispatcher.hpp"
#include "ipc/method_table.hpp"
#include "methods/service_context.hpp"

namespace eport::methods {

/// session.hello (lists the methods of `table`, so register it last or first: it reads the
/// table when called, not when registered).
void register_session_methods(ipc::MethodTable& table, ServiceContext& context);
/// daemon.info.
void register_daemon_methods(ipc::MethodTable& table, ServiceContext& context);
/// drivers.list.
void register_driver_methods(ipc::MethodTable& table, ServiceContext& context);
/// events.subscribe.
void register_event_methods(ipc::MethodTable& table, ServiceContext& context);
/// diag.report.
void register_diag_methods(ipc::MethodTable& table, ServiceContext& context);
/// audit.tail (admin).
void register_audit_methods(ipc::MethodTable& table, ServiceContext& context);
/// guidance.get.
void register_guidance_methods(ipc::MethodTable& table, ServiceContext& context);

/// Every method family that needs no card.
void register_core_methods(ipc::MethodTable& table, ServiceContext& context);

/// The dispatcher's audit hook: one fsync'ed record per audited call (who, method, token,
/// outcome), built from named fields only so that no secret is written. Written by the audit
/// writer thread (AuditLog::post): the answer waits for its record, the I/O thread does not;
/// refusals are rate-limited per uid and method.
ipc::AuditHook make_audit_hook(ServiceContext& context);

/// The diag.report result (stat()s the socket and audit paths; may probe pcscd: call off the
/// I/O thread).
nlohmann::json build_diag_report(const ServiceContext& context);

}  // namespace eport::methods
