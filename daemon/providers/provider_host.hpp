#pragma once
// The provider helper process: `eportd --provider-host FD`. eportd starts one per token-provider
// plug-in; it loads that plug-in (the same loader and checks as in the daemon), then runs the
// ABI calls the daemon sends over FD (a SOCK_SEQPACKET socket), one thread per token. A crash
// or hang of the plug-in or of the library it loads stays in this process.

namespace eport::providers {

/// Runs the helper on socket `fd` until the daemon says shutdown or goes away. Returns the
/// process exit code. Call from main() before anything else runs.
int run_provider_host(int fd);

/// main() for `eportd --provider-host FD`: prepares the process (dies with its parent, ignores
/// terminal signals, closes inherited descriptors) and runs the helper.
int provider_host_main(const char* fd_text);

}  // namespace eport::providers
