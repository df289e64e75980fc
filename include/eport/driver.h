/*
 * eport/driver.h — the eportd driver plug-in ABI, version 1.1: the complete specification.
 *
 * This is the only header a driver plug-in includes. It is plain C99 so that a plug-in can be
 * written in C, C++ or anything that speaks the C calling convention. Like pcsc-lite's
 * ifdhandler.h it is the contract itself: every function below says who calls it, when, from
 * which thread, the direction of each parameter ([in], [out], [in,out]), every status it may
 * return and what the out-parameters hold for each. docs/driver-abi.md explains the same with
 * examples.
 *
 * 1. Overview
 * -----------
 * A plug-in is a shared library `eport-<name>.so` in eportd's plug-in directory. It exports ONE
 * symbol, `eport_driver_entry`, which hands the host a static table of functions
 * (`eport_driver_ops`). Everything else in the library should be hidden (-fvisibility=hidden).
 *
 * Two kinds of driver share this ABI:
 *   EPORT_KIND_CARD           the host owns the PC/SC connection, offers each inserted card to
 *                             match(), and the driver speaks APDUs through host->transmit().
 *   EPORT_KIND_TOKEN_PROVIDER the driver finds its own tokens (e.g. through a vendor PKCS#11 or
 *                             SKF library): the host calls enumerate() and wait_change(); the
 *                             channel argument of every operation is NULL.
 *
 * 2. Call order (the host undoes every step if a later one fails)
 * ---------------------------------------------------------------
 *   1. dlopen(RTLD_NOW | RTLD_LOCAL); dlsym("eport_driver_entry")
 *   2. eport_driver_entry(host_major, host_minor, &ops); the host validates the table
 *   3. ops->init(&host, &driver)                 — before any other function; once
 *   card drivers, per inserted card, on the card's worker thread:
 *   4. match(ch, atr) for each card driver in configuration order until one says EPORT_OK
 *   5. open_token(ch) right after match(), in the SAME card transaction
 *   6. identify(token, ch) right after open_token(), in the SAME transaction (EPORT_CAP_IDENTIFY)
 *   7. operations (pin_*, cert_*, slot_public_key, identify again), each job in its own
 *      transaction
 *   8. close_token(token) after the card left, or when the daemon stops; never talks to the card
 *   token providers, on the provider's watcher thread and the tokens' own threads:
 *   4. enumerate() at start, after every wait_change() that returned EPORT_OK (or every poll
 *      interval without EPORT_CAP_WAIT_CHANGE), and after an operation returned
 *      EPORT_ERR_CARD_REMOVED
 *   5. open_provider_token(key) for each new token (key: see enumerate), on that token's thread
 *   6. operations on the token's thread
 *   7. close_token(token) when enumerate() no longer lists it, or when the daemon stops —
 *      possibly while the token is still present
 *   last: shutdown(driver) — after every token was closed and no other call is running.
 *
 * 3. Threading (what the host really does)
 * ----------------------------------------
 *   - init() returns before any other function is called; shutdown() is called only after every
 *     token was closed and every other call returned. Neither runs concurrently with anything
 *     else of the plug-in.
 *   - Card drivers: match() and open_token() are serialised for one plug-in (the host holds a
 *     mutex per driver around each call), but they MAY run while operations on other, already
 *     open tokens of the same plug-in run on other threads.
 *   - Every function that takes an eport_token (identify, pin_*, cert_*, slot_public_key,
 *     close_token) is called from one thread per token — the token's worker — one call at a
 *     time. For card drivers that thread also did match()/open_token().
 *   - Different tokens of one plug-in are served by different threads CONCURRENTLY: state in
 *     the eport_driver context that tokens share must be protected by the plug-in (for a
 *     PKCS#11 module, initialise it with CKF_OS_LOCKING_OK or lock yourself).
 *   - Token providers: enumerate() and wait_change() come from one thread (the provider's
 *     watcher), one at a time, concurrently with operations on tokens and with
 *     open_provider_token() (which runs on the new token's thread).
 *   - init() MAY start threads of its own (e.g. one blocked in C_WaitForSlotEvent or
 *     SKF_WaitForDevEvent); shutdown() MUST stop and join them before it returns (cancel a
 *     blocking wait the way the library allows: C_Finalize, SKF_CancelWaitForDevEvent).
 *   - host->log may be called from any thread, including the plug-in's own threads, between
 *     init() and the end of shutdown(). host->transmit only during a call that received the
 *     channel, from the thread of that call.
 *   - Token providers run in a process of their own (eportd starts one helper process per
 *     provider plug-in; to the plug-in it is "the host"). A crash of the plug-in or of the
 *     library it loads ends only that process: the daemon removes that provider's tokens,
 *     starts the process again and re-enumerates. Card drivers run inside the daemon.
 *
 * 4. Time budget
 * --------------
 *   - A card job (one transaction: e.g. pin_status + cert_list + cert_read...) is answered to
 *     the client after at most 30 s with reason `timeout`; the worker thread stays in the call
 *     until it returns, and every later job of that token waits behind it. So a function must
 *     not wait for anything but the card, and must never block forever.
 *   - Token providers: the host waits at most 30 s for any call (wait_change: timeout_ms plus
 *     5 s), then treats it as EPORT_ERR_TIMEOUT. The late call keeps its thread: later calls of
 *     the same token wait behind it (and time out too); other tokens, cards and drivers carry
 *     on. When the daemon stops, a provider process whose calls do not return within 5 s is
 *     killed (shutdown() is then never called).
 *   - init() must return within 30 s (providers) and should not wait for devices at all:
 *     the daemon is not ready before every init() returned.
 *   - wait_change() must return within timeout_ms (the host passes at most 2000 ms).
 *
 * 5. Statuses
 * -----------
 * Every function returning int32_t returns EPORT_OK or one of the EPORT_ERR_* codes below; each
 * function lists the ones it may return. The host treats any other value (and a C++ exception
 * escaping the plug-in) as EPORT_ERR_INTERNAL and logs "unknown status N from driver X".
 * No status ends a token by itself: a card token ends when PC/SC reports the card gone, a
 * provider token when enumerate() stops listing it. EPORT_ERR_CARD_REMOVED makes the host check
 * at once (cards: the reader's state; providers: enumerate()). For card drivers, transmit()
 * also answers EPORT_ERR_CARD_REMOVED when another program RESET the card: pass it up; the host
 * reconnects and runs a read-only job once more (a job that writes is never repeated).
 *
 * 6. Re-select on every call
 * --------------------------
 * Each job of a card driver runs in its own PC/SC transaction, and between two transactions any
 * other program may select another application or reset the card. A function must therefore
 * (re)select its application before relying on it — every call, not once per token. Only
 * open_token() and the identify() that follows it may rely on the selection made by match() in
 * the same transaction (and should still select again if the card answers as if not selected).
 * Since ABI 1.2 a driver may also skip the SELECT when eport_host.channel_session() returns the
 * same non-zero number as in the call where it last selected: both calls run in one transaction
 * (a job often makes several calls, e.g. the PIN's and the PUK's state).
 * Token providers likewise look their token up again on each call (a PKCS#11 slot id or an SKF
 * device handle may change between calls).
 *
 * 7. Versioning
 * -------------
 * Every table (eport_driver_ops, eport_host) starts with {abi_major, abi_minor, struct_size}.
 * Every out-struct starts with {struct_size}. The rules:
 *   - the host loads a plug-in only when the plug-in's abi_major equals EPORT_DRIVER_ABI_MAJOR;
 *     any abi_minor is accepted (older or newer);
 *   - a table only grows at its end; a reader reads only the bytes struct_size covers and treats
 *     fields beyond it as absent (NULL / unknown);
 *   - the host refuses an ops table whose struct_size is smaller than the v1.0 table
 *     (EPORT_DRIVER_OPS_SIZE_1_0);
 *   - out-structs are allocated and sized by the caller; the callee writes only what
 *     struct_size covers. The host pre-fills every out-struct field with its "unknown" value
 *     (-1 for counters and tri-states, "" for strings, EPORT_SOURCE_NONE for sources), so a
 *     driver leaves a field alone when it does not know it;
 *   - capability bits the host does not know are ignored.
 *
 * 8. Memory, strings, secrets, host limits
 * ----------------------------------------
 * No allocation crosses the boundary: every buffer is provided by the caller together with its
 * capacity (in) and the length used (out). A too small buffer gives EPORT_ERR_BUFFER_TOO_SMALL
 * with the out length set to the size needed; the host then retries ONCE with a buffer of that
 * size, within these limits:
 *   byte buffers (cert_read, slot_public_key)   first 4096 bytes, at most 65536 bytes
 *   eport_slot_info arrays (cert_list)          first 32 elements, at most 1024
 *   eport_token_info arrays (enumerate)         first 16 elements, at most 1024
 *   host->transmit                              the response buffer is the driver's; the host
 *                                               receives up to 65538 bytes from PC/SC
 *   host->log                                   one line, at most 1024 bytes (longer: cut)
 *   eport_driver_ops.name                       at most 64 bytes, [A-Za-z0-9._-], equal to
 *                                               <name> in eport-<name>.so
 *   strings in out-structs                      the array size minus one (NUL-terminated;
 *                                               the host never reads past the array)
 * No C++ exception may leave a plug-in function. Strings are UTF-8 and NUL-terminated unless
 * given with an explicit length. Secrets (PIN, PUK, management key) are passed with explicit
 * lengths, are not NUL-terminated, and are valid only during the call: a driver must not keep,
 * log or write them anywhere, and should wipe its own copies. No function may spend a PIN or
 * PUK try unless it was given that PIN or PUK by the caller.
 *
 * 9. Arrays of out-structs
 * ------------------------
 * enumerate() and cert_list() fill arrays of structs that carry a struct_size. The host sets the
 * same struct_size in every element, and the element stride is that struct_size (which may
 * differ from the driver's sizeof). Address elements with EPORT_ELEMENT(), never with [i].
 */
#ifndef EPORT_DRIVER_H
#define EPORT_DRIVER_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------------------------------
 * Version and export
 * ------------------------------------------------------------------------------------------- */

/** ABI major version: a plug-in loads only into a host with the same major. */
#define EPORT_DRIVER_ABI_MAJOR 1
/** ABI minor version: grows when fields are appended to tables; any minor is accepted.
 *  1.1 appended: eport_host.report_status; eport_token_info.id, .kind, .reader;
 *  eport_slot_info.slot_id; eport_pin_info.state; eport_driver_ops.pin_verify.
 *  1.2 appended: eport_host.channel_session. */
#define EPORT_DRIVER_ABI_MINOR 2

/** Name of the one symbol a plug-in exports. */
#define EPORT_DRIVER_ENTRY_SYMBOL "eport_driver_entry"

/** Marks eport_driver_entry as exported when the rest of the plug-in is built hidden. */
#if defined(__GNUC__) || defined(__clang__)
#define EPORT_DRIVER_EXPORT __attribute__((visibility("default")))
#else
#define EPORT_DRIVER_EXPORT
#endif

/* ---------------------------------------------------------------------------------------------
 * Status codes
 * ------------------------------------------------------------------------------------------- */

/** Success. */
#define EPORT_OK 0
/** match(): the card is not for this driver. Not an error; the host asks the next driver. */
#define EPORT_ERR_NO_MATCH 1
/** A caller buffer is too small; the out length is set to the size needed. */
#define EPORT_ERR_BUFFER_TOO_SMALL 2
/** The operation is not supported by this driver or this card / token model. */
#define EPORT_ERR_UNSUPPORTED 3
/** The PIN / PUK was wrong (one try was spent); the eport_pin_info out-struct reports the
 *  tries left as far as known. */
#define EPORT_ERR_WRONG_PIN 4
/** The PIN / PUK is blocked (no tries left), found before or by the attempt. */
#define EPORT_ERR_PIN_BLOCKED 5
/** The new PIN breaks the token's rules (length, characters); nothing was sent to the token and
 *  no try was spent. */
#define EPORT_ERR_INVALID_PIN 6
/** The management (administration) key was refused; nothing was written. */
#define EPORT_ERR_WRONG_MGMT_KEY 7
/** A management key is needed but none was given and none is configured; nothing was sent. */
#define EPORT_ERR_MGMT_KEY_REQUIRED 8
/** The object does not exist (e.g. an empty certificate slot, an unknown serial). */
#define EPORT_ERR_NOT_FOUND 9
/** The card or token was removed (or, for cards, reset by someone else) during the operation.
 *  The host checks presence at once (see "Statuses" above). */
#define EPORT_ERR_CARD_REMOVED 10
/** Communication with the card / token failed. */
#define EPORT_ERR_TRANSMIT 11
/** The card / token did not answer in time (also: wait_change() saw no change). */
#define EPORT_ERR_TIMEOUT 12
/** An argument is invalid (NULL pointer, unknown slot name, unknown `which`, a secret longer
 *  than the token accepts, invalid options in init). Nothing was sent to the token and no try
 *  was spent: the host answers the client "invalid params" (-32602). */
#define EPORT_ERR_BAD_ARGS 13
/** The card / token answered with an unexpected status word, an unexpected library error or
 *  malformed data. */
#define EPORT_ERR_CARD_ERROR 14
/** Out of memory inside the driver. */
#define EPORT_ERR_NO_MEMORY 15
/** A bug or an unexpected state inside the driver (or the host). */
#define EPORT_ERR_INTERNAL 16

/** Highest status code defined by this version of the ABI. */
#define EPORT_ERR_LAST EPORT_ERR_INTERNAL

/* ---------------------------------------------------------------------------------------------
 * Enumerations
 * ------------------------------------------------------------------------------------------- */

/** Driver kind (eport_driver_ops.kind): the host owns the PC/SC connection. */
#define EPORT_KIND_CARD 1u
/** Driver kind (eport_driver_ops.kind): the driver enumerates its own tokens. */
#define EPORT_KIND_TOKEN_PROVIDER 2u

/** Capability bits (eport_driver_ops.capabilities); each names the function it requires. */
#define EPORT_CAP_MATCH (UINT64_C(1) << 0)           /**< match() — card drivers */
#define EPORT_CAP_IDENTIFY (UINT64_C(1) << 1)        /**< identify() */
#define EPORT_CAP_PIN_STATUS (UINT64_C(1) << 2)      /**< pin_status() */
#define EPORT_CAP_PIN_RESET (UINT64_C(1) << 3)       /**< pin_reset() */
#define EPORT_CAP_PIN_CHANGE (UINT64_C(1) << 4)      /**< pin_change() */
#define EPORT_CAP_CERT_LIST (UINT64_C(1) << 5)       /**< cert_list() */
#define EPORT_CAP_CERT_READ (UINT64_C(1) << 6)       /**< cert_read() */
#define EPORT_CAP_CERT_WRITE (UINT64_C(1) << 7)      /**< cert_write() */
#define EPORT_CAP_SLOT_PUBLIC_KEY (UINT64_C(1) << 8) /**< slot_public_key() */
#define EPORT_CAP_ENUMERATE (UINT64_C(1) << 9)       /**< enumerate() — token providers */
#define EPORT_CAP_WAIT_CHANGE (UINT64_C(1) << 10)    /**< wait_change() — token providers */

/** Which credential a PIN function is about. */
#define EPORT_PIN_USER 1u
/** The unblocking credential: PUK (PIV) or SO PIN (PKCS#11 / SKF admin PIN). */
#define EPORT_PIN_PUK 2u

/** Where a figure in eport_pin_info came from. */
#define EPORT_SOURCE_NONE 0u          /**< unknown / not reported */
#define EPORT_SOURCE_VERIFY_STATUS 1u /**< an empty VERIFY answered 63Cx (spends no try) */
#define EPORT_SOURCE_METADATA 2u      /**< a card metadata command (e.g. YubiKey GET METADATA) */
#define EPORT_SOURCE_PKCS11_FLAGS 3u  /**< CKF_USER_PIN_COUNT_LOW / FINAL_TRY / LOCKED flags */
#define EPORT_SOURCE_SKF 4u           /**< SKF_GetPINInfo */
#define EPORT_SOURCE_CONFIG 5u        /**< the driver's options or a known model default */

/** A PIN's state as the token states it without a count (v1.1 eport_pin_info.state), e.g. from
 *  PKCS#11 token flags (CKF_USER_PIN_COUNT_LOW / FINAL_TRY / LOCKED). */
#define EPORT_PIN_STATE_OK 1        /**< no failed try since the last good one */
#define EPORT_PIN_STATE_LOW 2       /**< a wrong PIN was entered since (tries left unknown) */
#define EPORT_PIN_STATE_FINAL_TRY 3 /**< one try left: a wrong PIN now blocks it */
#define EPORT_PIN_STATE_BLOCKED 4   /**< blocked */

/** Log levels for eport_host.log. */
#define EPORT_LOG_ERROR 1
#define EPORT_LOG_WARNING 2
#define EPORT_LOG_INFO 3
#define EPORT_LOG_DEBUG 4

/* ---------------------------------------------------------------------------------------------
 * Opaque types
 * ------------------------------------------------------------------------------------------- */

/** The plug-in's context, created by init() and destroyed by shutdown(). Defined by the plug-in. */
typedef struct eport_driver eport_driver;
/** One open token (a card or a provider token). Defined by the plug-in. */
typedef struct eport_token eport_token;
/** The host's connection to one card; passed back to host->transmit(). Defined by the host. */
typedef struct eport_channel eport_channel;

/* ---------------------------------------------------------------------------------------------
 * Out-structs (allocated by the caller; struct_size set by the caller)
 * ------------------------------------------------------------------------------------------- */

/** Identity of a token. Strings are NUL-terminated; "" = unknown. */
typedef struct eport_token_info {
  uint32_t struct_size;  /**< set by the caller: sizeof(eport_token_info) as it knows it */
  char serial[65];       /**< the token's serial (e.g. PIV CHUID/serial, PKCS#11 serialNumber) */
  char label[65];        /**< user-visible label, if the token has one */
  char model[65];        /**< model / applet, e.g. "PIV" or the vendor's product name */
  char manufacturer[65]; /**< manufacturer, if known */
  /* --- v1.1 (read only when struct_size covers them) --- */
  /** Token providers: the token's id as clients see it, e.g. "p11:softhsm:63c85daa8f665c71";
   *  stable across re-plugging and restarts, unique among the driver's tokens; the host keeps
   *  [A-Za-z0-9._:-] and replaces anything else by '_'. "" = "<driver>:<serial>". It is also the
   *  key the host passes to open_provider_token() (else the serial). Card drivers leave it "". */
  char id[129];
  /** What the token is, for clients: "smartcard", "usbkey" or "pkcs11" (PROTOCOL.md Token.kind).
   *  "" = "smartcard" for card drivers, "usbkey" for token providers. */
  char kind[17];
  /** Token providers: the PC/SC reader the token sits in, when the library says so (a PKCS#11
   *  slot description of a smart-card module): a card driver's token in the same reader wins,
   *  see docs/driver-abi.md "One card, one token". "" = not in a PC/SC reader / unknown. */
  char reader[129];
} eport_token_info;

/** State of one PIN (user PIN or PUK / SO PIN). -1 = unknown for every int32_t field. */
typedef struct eport_pin_info {
  uint32_t struct_size; /**< set by the caller */
  int32_t tries_left;   /**< tries left before the PIN blocks; -1 unknown */
  int32_t max_tries;    /**< tries after a successful verify / reset; -1 unknown */
  int32_t is_default;   /**< 1 = still the factory / configured default, 0 = changed, -1 unknown */
  int32_t blocked;      /**< 1 = blocked, 0 = not blocked, -1 unknown */
  uint32_t source;      /**< EPORT_SOURCE_* that gave tries_left / blocked */
  uint32_t max_source;  /**< EPORT_SOURCE_* that gave max_tries */
  int32_t min_length;   /**< shortest PIN the card accepts; -1 unknown */
  int32_t max_length;   /**< longest PIN the card accepts; -1 unknown */
  /* --- v1.1 --- */
  /** EPORT_PIN_STATE_* when the token states it without a count (PKCS#11 flags); -1 = not
   *  stated: the host derives the state from tries_left, max_tries and blocked. Set it instead
   *  of inventing a count: tries_left stays -1. */
  int32_t state;
} eport_pin_info;

/** One certificate / key slot of a token. */
typedef struct eport_slot_info {
  uint32_t struct_size;    /**< set by the caller */
  char slot[9];            /**< slot id as the driver names it, e.g. "9a"; passed back to cert_read */
  char label[65];          /**< human name, e.g. "PIV Authentication" */
  int32_t has_certificate; /**< 1 = a certificate is stored, 0 = empty, -1 unknown */
  int32_t has_key;         /**< 1 = a private key is present, 0 = none, -1 unknown */
  /* --- v1.1 --- */
  /** The slot id when it is longer than `slot` holds (a hex PKCS#11 CKA_ID, an SKF
   *  "<application>/<container>/sign"): up to 128 bytes, printable ASCII without spaces. When
   *  non-empty the host uses it instead of `slot` and passes it back to cert_read() etc. */
  char slot_id[129];
} eport_slot_info;

/** Address element `index` of an out-struct array whose stride is base->struct_size. */
#define EPORT_ELEMENT(type, base, index) \
  ((type*)(void*)((uint8_t*)(base) + (size_t)(index) * (size_t)(base)->struct_size))

/* ---------------------------------------------------------------------------------------------
 * Host table: handed to init(); valid until shutdown() returns
 * ------------------------------------------------------------------------------------------- */

/** Services the host offers a plug-in. The plug-in may keep the pointer until shutdown(). */
typedef struct eport_host {
  uint16_t abi_major;   /**< the host's EPORT_DRIVER_ABI_MAJOR */
  uint16_t abi_minor;   /**< the host's EPORT_DRIVER_ABI_MINOR */
  uint32_t struct_size; /**< bytes of this table the plug-in may read */

  /** Opaque host pointer; pass it back to log(). */
  void* host_ctx;

  /**
   * Log a message under the plug-in's name.
   * @param host_ctx  [in] eport_host.host_ctx
   * @param level     [in] EPORT_LOG_ERROR .. EPORT_LOG_DEBUG (others count as INFO)
   * @param message   [in] UTF-8, NUL-terminated, one line of at most 1024 bytes (control
   *                  characters are replaced, longer text is cut); never a PIN, PUK or key
   * Thread-safe; callable from any thread (also the plug-in's own) from init() until shutdown()
   * returns. Never fails, never blocks for long.
   */
  void (*log)(void* host_ctx, int32_t level, const char* message);

  /**
   * Send one command APDU to the card of `ch` and receive its response (card drivers only).
   * @param ch            [in] the channel the host passed to the current function
   * @param command       [in] the command APDU (header, Lc, data, Le as the driver encodes them)
   * @param command_len   [in] its length in bytes (0 is EPORT_ERR_BAD_ARGS)
   * @param response      [out] response data followed by SW1 SW2
   * @param response_len  [in,out] in: capacity of `response`; out: bytes written (incl. SW1 SW2),
   *                      set on EPORT_OK only
   * @return EPORT_OK (a response of >= 2 bytes was written);
   *         EPORT_ERR_CARD_REMOVED (the card left, or another program reset it: pass it up);
   *         EPORT_ERR_TRANSMIT (communication failed; the card seems present);
   *         EPORT_ERR_TIMEOUT (the reader gave up);
   *         EPORT_ERR_BUFFER_TOO_SMALL (the response did not fit; nothing written — use >= 258
   *         bytes for short APDUs, 65538 for extended ones);
   *         EPORT_ERR_BAD_ARGS (NULL argument or empty command);
   *         EPORT_ERR_NO_MEMORY.
   * The host does not interpret status words: 61XX (GET RESPONSE), 6CXX and command chaining
   * are the driver's job. Call only from inside the function that received `ch`, on its thread:
   * the channel does not exist after that call returned.
   * The host wipes its copies of command and response (they may hold a PIN).
   */
  int32_t (*transmit)(eport_channel* ch, const uint8_t* command, size_t command_len, uint8_t* response,
                      size_t* response_len);

  /**
   * This plug-in's `options` from eportd.yaml as the text of a JSON object ("{}" when none).
   * Valid during init() only (NULL afterwards): copy what you need.
   */
  const char* config_json;

  /* --- v1.1: check host->struct_size >= EPORT_HOST_SIZE_1_1 before using ----------------- */

  /**
   * Tell the host the plug-in's own state, shown by drivers.list (`status`) and diag.report:
   * e.g. which of the libraries it serves work and which failed, with the library's own error.
   * @param host_ctx  [in] eport_host.host_ctx
   * @param json      [in] the text of one JSON object, NUL-terminated, at most 64 KiB; its
   *                  member "problems" (a list of sentences saying what is wrong and what to
   *                  do) goes into diag.report's problems. Each call replaces the previous one.
   * Thread-safe; callable from any thread from init() until shutdown() returns. Text that is not
   * a JSON object is ignored (and logged).
   */
  void (*report_status)(void* host_ctx, const char* json);

  /* --- v1.2: check host->struct_size >= EPORT_HOST_SIZE_1_2 before using ----------------- */

  /**
   * Names the stretch of exclusive access to the card that the current call runs in (on PC/SC:
   * one card transaction). Two calls that get the same non-zero number run with nothing in
   * between: no other program can have sent an APDU to the card, and the card was not reset.
   * A card driver may then skip re-selecting its application (see "Call order" in
   * docs/driver-abi.md); with 0 ("unknown") it must select as always.
   * @param ch  [in] the channel the host passed to the current function (NULL: returns 0)
   * @return a number never used for another stretch in this process, or 0.
   * Call only from inside the function that received `ch`, on its thread.
   */
  uint64_t (*channel_session)(eport_channel* ch);
} eport_host;

/* ---------------------------------------------------------------------------------------------
 * Ops table: returned by eport_driver_entry(); must stay valid until the library is unloaded
 * ------------------------------------------------------------------------------------------- */

/** The functions and facts of one driver. Usually one `static const` object in the plug-in. */
typedef struct eport_driver_ops {
  uint16_t abi_major;   /**< EPORT_DRIVER_ABI_MAJOR the plug-in was built with */
  uint16_t abi_minor;   /**< EPORT_DRIVER_ABI_MINOR the plug-in was built with */
  uint32_t struct_size; /**< sizeof(eport_driver_ops) the plug-in was built with */

  const char* name;      /**< must equal <name> in the file name eport-<name>.so (<= 64 bytes) */
  const char* version;   /**< the plug-in's own version, e.g. "0.1.0" */
  uint32_t kind;         /**< EPORT_KIND_CARD or EPORT_KIND_TOKEN_PROVIDER */
  uint64_t capabilities; /**< EPORT_CAP_* bits; each set bit requires its function */

  /* --- lifetime (required) ------------------------------------------------------------------ */

  /**
   * Create the driver context. Called once, first, after the table was accepted.
   * @param host  [in] host services; the pointer stays valid until shutdown() returns, but
   *              host->config_json only during this call
   * @param out   [out] receives the context passed to every other driver function (may be
   *              set to NULL if the plug-in needs none); read only on EPORT_OK
   * @return EPORT_OK; EPORT_ERR_BAD_ARGS (invalid options: say which through host->log);
   *         EPORT_ERR_NO_MEMORY; EPORT_ERR_UNSUPPORTED (this host lacks something the plug-in
   *         needs); EPORT_ERR_INTERNAL. Any error makes the host unload the plug-in WITHOUT
   *         calling shutdown(): free what you allocated (and join what you started) first.
   * May start threads (shutdown() joins them). Must return within 30 s and should not wait for
   * devices. A plug-in that serves several libraries (e.g. PKCS#11 modules) should succeed
   * when some of them fail, and report those through host->log.
   */
  int32_t (*init)(const eport_host* host, eport_driver** out);

  /**
   * Destroy the driver context. Called once, last: after every token was closed and every other
   * call returned. Must stop and join the plug-in's own threads, and must not fail.
   * @param driver  [in] the context from init()
   */
  void (*shutdown)(eport_driver* driver);

  /* --- card drivers (kind EPORT_KIND_CARD; required: match, open_token, close_token) ---------- */

  /**
   * Decide whether an inserted card is for this driver (EPORT_CAP_MATCH). Called on the card's
   * worker thread inside a card transaction, serialised with the other match()/open_token()
   * calls of this plug-in. May send APDUs (e.g. SELECT) but must not verify a PIN or change the
   * card.
   * @param driver   [in] the context
   * @param ch       [in] the card's channel, for host->transmit() during this call
   * @param atr      [in] the card's ATR
   * @param atr_len  [in] its length (1..33)
   * @return EPORT_OK = mine (open_token() follows at once); EPORT_ERR_NO_MATCH = not mine;
   *         EPORT_ERR_CARD_REMOVED, EPORT_ERR_TRANSMIT, EPORT_ERR_TIMEOUT, EPORT_ERR_CARD_ERROR,
   *         EPORT_ERR_NO_MEMORY, EPORT_ERR_INTERNAL = could not tell (the host logs it and asks
   *         the next driver).
   */
  int32_t (*match)(eport_driver* driver, eport_channel* ch, const uint8_t* atr, size_t atr_len);

  /**
   * Open a token on a card that match() accepted. Called right after match(), on the same
   * thread, in the same transaction; the token lives until close_token().
   * @param driver  [in] the context
   * @param ch      [in] the card's channel (valid only during this call)
   * @param out     [out] the token context; read only on EPORT_OK
   * @return EPORT_OK; EPORT_ERR_CARD_REMOVED, EPORT_ERR_TRANSMIT, EPORT_ERR_TIMEOUT,
   *         EPORT_ERR_CARD_ERROR, EPORT_ERR_NO_MEMORY, EPORT_ERR_INTERNAL: the host lists the card
   *         as a token in state "error" with the reason and never calls this driver for it
   *         again (no close_token() either).
   */
  int32_t (*open_token)(eport_driver* driver, eport_channel* ch, eport_token** out);

  /**
   * Release a token. Required for both kinds. Called on the token's thread after its last
   * operation: the card left, the provider no longer lists it, or the daemon stops (the token
   * may still be present then). Must not talk to the card or token (a provider may end a
   * library session that belongs to the token) and must not fail.
   * @param token  [in] from open_token() or open_provider_token()
   */
  void (*close_token)(eport_token* token);

  /* --- token providers (kind EPORT_KIND_TOKEN_PROVIDER; required: enumerate,
   *     open_provider_token, close_token) ----------------------------------------------------- */

  /**
   * List the tokens present now (EPORT_CAP_ENUMERATE). Called on the provider's watcher thread:
   * at start, after wait_change() said EPORT_OK (or every 2 s without EPORT_CAP_WAIT_CHANGE) and
   * after an operation returned EPORT_ERR_CARD_REMOVED. Must not verify a PIN.
   * @param driver  [in] the context
   * @param infos   [out] caller array; element i is EPORT_ELEMENT(eport_token_info, infos, i),
   *                pre-filled with "" strings
   * @param count   [in,out] in: elements in `infos`; out: tokens present
   * @return EPORT_OK (elements 0..*count-1 written); EPORT_ERR_BUFFER_TOO_SMALL (*count = tokens
   *         present, nothing else used; the host retries once); EPORT_ERR_TRANSMIT,
   *         EPORT_ERR_CARD_ERROR, EPORT_ERR_TIMEOUT, EPORT_ERR_NO_MEMORY, EPORT_ERR_INTERNAL
   *         (the host keeps the tokens it knows and tries again after the next wait).
   * Each token needs a non-empty key unique among this driver's tokens: `id` (v1.1) when set,
   * else `serial`. The key is passed to open_provider_token() and makes the token id.
   */
  int32_t (*enumerate)(eport_driver* driver, eport_token_info* infos, size_t* count);

  /**
   * Open a token enumerate() listed. Called on the new token's own thread.
   * @param driver  [in] the context
   * @param serial  [in] the token's key: eport_token_info.id when the driver set it (v1.1),
   *                else eport_token_info.serial; NUL-terminated
   * @param out     [out] the token context; read only on EPORT_OK
   * @return EPORT_OK; EPORT_ERR_NOT_FOUND (no such token any more: the host forgets it until
   *         enumerate() lists it again); EPORT_ERR_CARD_REMOVED, EPORT_ERR_TRANSMIT,
   *         EPORT_ERR_CARD_ERROR, EPORT_ERR_NO_MEMORY, EPORT_ERR_INTERNAL (the host lists the
   *         token in state "error" with the reason).
   */
  int32_t (*open_provider_token)(eport_driver* driver, const char* serial, eport_token** out);

  /**
   * Block until the set of tokens may have changed, or `timeout_ms` passed
   * (EPORT_CAP_WAIT_CHANGE). Without it the host calls enumerate() every 2 s. Called on the
   * watcher thread; must return within timeout_ms (the host passes at most 2000 ms, so that it
   * can stop). A plug-in whose library blocks without a timeout runs that wait on its own
   * thread (started in init, joined in shutdown) and lets wait_change() wait for that thread's
   * news.
   * @param driver      [in] the context
   * @param timeout_ms  [in] longest wait
   * @return EPORT_OK = something may have changed (the host calls enumerate());
   *         EPORT_ERR_TIMEOUT = nothing changed; EPORT_ERR_UNSUPPORTED = the library cannot wait
   *         after all (the host polls from then on); other errors: the host calls enumerate()
   *         and waits again.
   */
  int32_t (*wait_change)(eport_driver* driver, uint32_t timeout_ms);

  /* --- operations on an open token ------------------------------------------------------------
   * `token` from open_token()/open_provider_token(); `ch` is the card's channel for card drivers
   * (valid only during the call) and NULL for token providers. Called on the token's thread,
   * one at a time; card drivers are inside a card transaction and must re-select their
   * application (see "Re-select on every call"). None of these may spend a PIN or PUK try
   * unless the operation itself is given that PIN or PUK. Besides the statuses listed per
   * function, every operation may return EPORT_ERR_CARD_REMOVED, EPORT_ERR_TRANSMIT,
   * EPORT_ERR_TIMEOUT, EPORT_ERR_CARD_ERROR, EPORT_ERR_NO_MEMORY and EPORT_ERR_INTERNAL (the host
   * then answers the client token_removed, timeout or driver_error); out-parameters are not
   * read then. */

  /**
   * Identify the token (EPORT_CAP_IDENTIFY). For card drivers called right after open_token()
   * in the same transaction; its serial makes the token id "<driver>:<serial>" (stable across
   * re-insertion, so it must come from the card, never from the reader).
   * @param out  [out] serial, label, model, manufacturer (pre-filled with "")
   * @return EPORT_OK (fields the token does not tell stay ""); see the common statuses above.
   */
  int32_t (*identify)(eport_token* token, eport_channel* ch, eport_token_info* out);

  /**
   * Report the state of a PIN without spending a try (EPORT_CAP_PIN_STATUS).
   * @param which  [in] EPORT_PIN_USER or EPORT_PIN_PUK
   * @param out    [out] pre-filled "unknown"; set what is known: tries_left, max_tries,
   *               is_default, blocked, source, max_source, min_length, max_length. Never a
   *               guessed figure: a count the token cannot tell stays -1.
   * @return EPORT_OK (also when the PIN is blocked: out->blocked = 1);
   *         EPORT_ERR_UNSUPPORTED or EPORT_ERR_NOT_FOUND when the token cannot report this PIN
   *         (the host shows it as unknown, e.g. a PUK without metadata);
   *         EPORT_ERR_BAD_ARGS for an unknown `which`.
   * The host calls it for EPORT_PIN_PUK before pin_reset() to refuse a final PUK try.
   */
  int32_t (*pin_status)(eport_token* token, eport_channel* ch, uint32_t which, eport_pin_info* out);

  /**
   * Unblock / reset the user PIN with the PUK (SO PIN) (EPORT_CAP_PIN_RESET). One attempt;
   * never retried by the driver.
   * @param puk, puk_len          [in] the PUK / SO PIN (not NUL-terminated)
   * @param new_pin, new_pin_len  [in] the new user PIN (not NUL-terminated)
   * @param out  [out] on EPORT_OK: the user PIN's state after the reset, as far as known;
   *             on EPORT_ERR_WRONG_PIN / EPORT_ERR_PIN_BLOCKED: the PUK's state (tries left)
   * @return EPORT_OK; EPORT_ERR_WRONG_PIN (the PUK was wrong, one PUK try spent);
   *         EPORT_ERR_PIN_BLOCKED (the PUK is blocked); EPORT_ERR_INVALID_PIN (the new PIN breaks
   *         the token's rules — nothing sent); EPORT_ERR_BAD_ARGS (the PUK is longer than the
   *         token accepts — nothing sent); EPORT_ERR_UNSUPPORTED; the common statuses.
   */
  int32_t (*pin_reset)(eport_token* token, eport_channel* ch, const char* puk, size_t puk_len,
                       const char* new_pin, size_t new_pin_len, eport_pin_info* out);

  /**
   * Change a PIN knowing the old one (EPORT_CAP_PIN_CHANGE). One attempt.
   * @param which                 [in] EPORT_PIN_USER or EPORT_PIN_PUK
   * @param old_pin, old_pin_len  [in] the current value (not NUL-terminated)
   * @param new_pin, new_pin_len  [in] the new value (not NUL-terminated)
   * @param out  [out] the state of that PIN after the call (tries left on EPORT_ERR_WRONG_PIN)
   * @return EPORT_OK; EPORT_ERR_WRONG_PIN (one try spent); EPORT_ERR_PIN_BLOCKED;
   *         EPORT_ERR_INVALID_PIN (new value breaks the rules — nothing sent);
   *         EPORT_ERR_BAD_ARGS (old value longer than accepted, unknown `which` — nothing sent);
   *         EPORT_ERR_UNSUPPORTED; the common statuses.
   */
  int32_t (*pin_change)(eport_token* token, eport_channel* ch, uint32_t which, const char* old_pin,
                        size_t old_pin_len, const char* new_pin, size_t new_pin_len, eport_pin_info* out);

  /**
   * List the certificate / key slots (EPORT_CAP_CERT_LIST). The host knows no slot names of
   * its own: a slot is whatever this returns, and the host refuses any other slot with
   * "invalid params" naming these.
   * @param slots  [out] caller array; element i is EPORT_ELEMENT(eport_slot_info, slots, i),
   *               pre-filled "" / -1
   * @param count  [in,out] in: elements in `slots`; out: slots the token has
   * @return EPORT_OK (elements 0..*count-1 written); EPORT_ERR_BUFFER_TOO_SMALL (*count = slots
   *         needed; the host retries once); the common statuses.
   */
  int32_t (*cert_list)(eport_token* token, eport_channel* ch, eport_slot_info* slots, size_t* count);

  /**
   * Read the certificate in a slot (EPORT_CAP_CERT_READ).
   * @param slot     [in] eport_slot_info.slot, NUL-terminated
   * @param der      [out] the certificate, DER (uncompressed)
   * @param der_len  [in,out] in: capacity; out: bytes written (EPORT_OK) or needed
   *                 (EPORT_ERR_BUFFER_TOO_SMALL)
   * @return EPORT_OK; EPORT_ERR_NOT_FOUND (slot empty); EPORT_ERR_BAD_ARGS (unknown slot);
   *         EPORT_ERR_BUFFER_TOO_SMALL (the host retries once, up to 64 KiB); the common statuses.
   */
  int32_t (*cert_read)(eport_token* token, eport_channel* ch, const char* slot, uint8_t* der,
                       size_t* der_len);

  /**
   * Store a certificate in a slot (EPORT_CAP_CERT_WRITE). The host has checked that `der`
   * parses, compared its key with slot_public_key(), and saved the old certificate; it reads
   * the slot back with cert_read() afterwards and writes the old certificate back (a second
   * cert_write) when the read-back differs. A driver that replaces an object in several steps
   * must leave one complete certificate whatever step fails (the new one or the old one).
   * @param slot          [in] eport_slot_info.slot
   * @param der, der_len  [in] the certificate, DER
   * @param mgmt_key, mgmt_key_len  [in] management key (raw bytes); NULL / 0 = use the key
   *                      configured in the driver's options (drivers without a management key
   *                      ignore it)
   * @return EPORT_OK; EPORT_ERR_WRONG_MGMT_KEY, EPORT_ERR_MGMT_KEY_REQUIRED, EPORT_ERR_BAD_ARGS
   *         (unknown slot): only when NOTHING was written (the host then drops its backup);
   *         EPORT_ERR_UNSUPPORTED; the common statuses (the slot may or may not have changed).
   */
  int32_t (*cert_write)(eport_token* token, eport_channel* ch, const char* slot, const uint8_t* der,
                        size_t der_len, const uint8_t* mgmt_key, size_t mgmt_key_len);

  /**
   * Read the public key of the key in a slot, to check that a certificate matches it
   * (EPORT_CAP_SLOT_PUBLIC_KEY).
   * @param slot      [in] eport_slot_info.slot
   * @param spki_der  [out] the SubjectPublicKeyInfo, DER
   * @param len       [in,out] in: capacity; out: bytes written (or needed)
   * @return EPORT_OK; EPORT_ERR_NOT_FOUND (no key, or the token cannot tell without
   *         generating one — a driver never generates a key here); EPORT_ERR_UNSUPPORTED;
   *         EPORT_ERR_BAD_ARGS (unknown slot); EPORT_ERR_BUFFER_TOO_SMALL (*len = size needed);
   *         the common statuses. Without a key the host refuses the write as cert_key_mismatch
   *         unless the client allowed a mismatch.
   */
  int32_t (*slot_public_key)(eport_token* token, eport_channel* ch, const char* slot, uint8_t* spki_der,
                             size_t* len);

  /* --- appended in ABI 1.1 (optional: absent when struct_size < EPORT_DRIVER_OPS_SIZE_1_1) -- */

  /**
   * Check the user PIN: one verification, then the token is left NOT verified
   * (EPORT_CAP_PIN_VERIFY, ABI 1.1). One attempt; never retried by the driver. The driver MUST
   * leave the PIN unverified whatever the outcome — PIV: VERIFY P1=FF right after the VERIFY;
   * PKCS#11: C_Login(CKU_USER) then C_Logout; SKF: SKF_VerifyPIN then SKF_ClearSecureState —
   * so that no other program can use the token's keys without the PIN afterwards. The host
   * calls pin_status(EPORT_PIN_USER) first and does not call this on a blocked PIN, nor on the
   * PIN's final try unless the client said `force`.
   * @param which         [in] EPORT_PIN_USER (the only value defined; anything else is
   *                      EPORT_ERR_BAD_ARGS)
   * @param pin, pin_len  [in] the PIN to check (not NUL-terminated)
   * @param out  [out] the PIN's state after the call: on EPORT_OK as far as known (tries left
   *             back at the maximum); on EPORT_ERR_WRONG_PIN the tries left the token reported
   *             (PIV: x of its 63Cx answer; 0 = this attempt blocked it); on
   *             EPORT_ERR_PIN_BLOCKED blocked = 1, tries_left = 0
   * @return EPORT_OK (the PIN is right; the token is no longer verified);
   *         EPORT_ERR_WRONG_PIN (one try spent); EPORT_ERR_PIN_BLOCKED (blocked before or by
   *         the attempt); EPORT_ERR_BAD_ARGS (empty PIN, PIN longer than the token accepts,
   *         unknown `which` — nothing sent, no try spent); EPORT_ERR_UNSUPPORTED; the common
   *         statuses. A host finds this function absent when struct_size is smaller than
   *         EPORT_DRIVER_OPS_SIZE_1_1 or EPORT_CAP_PIN_VERIFY is not set, and answers the
   *         client `unsupported` without calling anything.
   */
  int32_t (*pin_verify)(eport_token* token, eport_channel* ch, uint32_t which, const char* pin,
                        size_t pin_len, eport_pin_info* out);
} eport_driver_ops;

/** Size of the v1.0 ops table: the host refuses smaller tables. */
#define EPORT_DRIVER_OPS_SIZE_1_0 (offsetof(eport_driver_ops, slot_public_key) + sizeof(void (*)(void)))
/** Size of the v1.0 host table: a plug-in may rely on every field up to config_json. */
#define EPORT_HOST_SIZE_1_0 (offsetof(eport_host, config_json) + sizeof(const char*))
/** Size of the v1.1 host table (up to report_status). */
#define EPORT_HOST_SIZE_1_1 (offsetof(eport_host, report_status) + sizeof(void (*)(void)))
/** Bytes of eport_host in ABI 1.2 (channel_session). */
#define EPORT_HOST_SIZE_1_2 (offsetof(eport_host, channel_session) + sizeof(void (*)(void)))
/** Size of the v1.1 ops table (pin_verify appended); a v1.0 table (without it) still loads. */
#define EPORT_DRIVER_OPS_SIZE_1_1 (offsetof(eport_driver_ops, pin_verify) + sizeof(void (*)(void)))
/** Capability bit (ABI 1.1) for eport_driver_ops.pin_verify; a 1.0 host ignores it. */
#define EPORT_CAP_PIN_VERIFY (UINT64_C(1) << 11)

/* ---------------------------------------------------------------------------------------------
 * The entry point
 * ------------------------------------------------------------------------------------------- */

/**
 * The one symbol a plug-in exports. Must do nothing but hand out the table (no threads, no
 * allocations, no I/O): the host may call it and unload the library right away.
 * @param host_major  the host's EPORT_DRIVER_ABI_MAJOR
 * @param host_minor  the host's EPORT_DRIVER_ABI_MINOR
 * @param out_ops     receives a pointer to the plug-in's table, valid until the library is
 *                    unloaded
 * @return EPORT_OK; EPORT_ERR_UNSUPPORTED when the plug-in cannot serve this host major.
 */
EPORT_DRIVER_EXPORT int32_t eport_driver_entry(uint16_t host_major, uint16_t host_minor,
                                               const eport_driver_ops** out_ops);

/** Type of eport_driver_entry, for dlsym(). */
typedef int32_t (*eport_driver_entry_fn)(uint16_t host_major, uint16_t host_minor,
                                         const eport_driver_ops** out_ops);

#ifdef __cplusplus
}
#endif

#endif /* EPORT_DRIVER_H */
