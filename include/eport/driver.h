/*
 * eport/driver.h — the eportd driver plug-in ABI, version 1.0.
 *
 * This is the only header a driver plug-in includes. It is plain C99 so that a plug-in can be
 * written in C, C++ or anything that speaks the C calling convention.
 *
 * Overview
 * --------
 * A plug-in is a shared library `eport-<name>.so` in eportd's plug-in directory. It exports ONE
 * symbol, `eport_driver_entry`, which hands the host a static table of functions
 * (`eport_driver_ops`). Everything else in the library should be hidden (-fvisibility=hidden).
 *
 * Load sequence (the host undoes every step if a later one fails):
 *   1. dlopen(RTLD_NOW | RTLD_LOCAL)
 *   2. dlsym("eport_driver_entry")
 *   3. eport_driver_entry(host_major, host_minor, &ops)
 *   4. the host validates the table (see "Versioning" below)
 *   5. ops->init(&host, &driver)
 *   ... operations ...
 *   6. ops->shutdown(driver), dlclose
 *
 * Two kinds of driver share this ABI:
 *   EPORT_KIND_CARD           the host owns the PC/SC connection, offers each inserted card's ATR
 *                             to match(), and the driver speaks APDUs through host->transmit().
 *   EPORT_KIND_TOKEN_PROVIDER the driver finds its own tokens (e.g. through a vendor PKCS#11 or
 *                             SKF library): the host calls enumerate() and wait_change(); the
 *                             channel argument of every operation is NULL.
 *
 * Versioning
 * ----------
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
 * Status codes
 * ------------
 * Every function returning int32_t returns EPORT_OK or one of the EPORT_ERR_* codes below. The host
 * treats any other value as EPORT_ERR_INTERNAL and logs "unknown status N from driver X".
 *
 * Threading
 * ---------
 *   - init, shutdown and match are serialised by the host (never two at the same time for one
 *     plug-in, and never concurrently with any other function of that plug-in).
 *   - For one token (eport_token), the host calls its functions from one thread at a time (the
 *     token's worker), for card drivers always inside a PC/SC card transaction. Functions for
 *     different tokens of the same driver may run concurrently: a driver that keeps state in
 *     its eport_driver context must protect it.
 *   - Token providers: enumerate, open_provider_token and wait_change are called from one host
 *     thread (the provider's watcher) and may run concurrently with operations on tokens.
 *   - shutdown is called only after every token has been closed and wait_change has returned.
 *
 * Memory and errors
 * -----------------
 * No allocation crosses the boundary: every buffer is provided by the caller together with its
 * capacity (in) and the length used (out). A too small buffer gives EPORT_ERR_BUFFER_TOO_SMALL
 * with the out length set to the size needed; the host then retries once with a larger buffer.
 * No C++ exception may leave a plug-in function. Strings are UTF-8 and NUL-terminated unless
 * given with an explicit length. Secrets (PIN, PUK, management key) are passed with explicit
 * lengths, are not NUL-terminated, and are valid only during the call: a driver must not keep,
 * log or write them anywhere, and should wipe its own copies.
 *
 * Arrays of out-structs
 * ---------------------
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
/** ABI minor version: grows when fields are appended to tables; any minor is accepted. */
#define EPORT_DRIVER_ABI_MINOR 0

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
/** The PIN / PUK was wrong; the eport_pin_info out-struct reports the tries left. */
#define EPORT_ERR_WRONG_PIN 4
/** The PIN / PUK is blocked (no tries left); nothing was sent that could change that. */
#define EPORT_ERR_PIN_BLOCKED 5
/** The new PIN breaks the card's rules (length, characters); nothing was sent to the card. */
#define EPORT_ERR_INVALID_PIN 6
/** The management (administration) key was refused by the card. */
#define EPORT_ERR_WRONG_MGMT_KEY 7
/** A management key is needed but none was given and none is configured for the driver. */
#define EPORT_ERR_MGMT_KEY_REQUIRED 8
/** The object does not exist (e.g. an empty certificate slot, an unknown serial). */
#define EPORT_ERR_NOT_FOUND 9
/** The card or token was removed (or reset by someone else) during the operation. */
#define EPORT_ERR_CARD_REMOVED 10
/** Communication with the card / token failed. */
#define EPORT_ERR_TRANSMIT 11
/** The card / token did not answer in time (also: wait_change() saw no change). */
#define EPORT_ERR_TIMEOUT 12
/** An argument is invalid (NULL pointer, unknown slot name, unknown `which`). */
#define EPORT_ERR_BAD_ARGS 13
/** The card answered with an unexpected status word or malformed data. */
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
  char serial[65];       /**< unique per token for this driver (e.g. PIV CHUID/serial, hex) */
  char label[65];        /**< user-visible label, if the token has one */
  char model[65];        /**< model / applet, e.g. "PIV" or the vendor's product name */
  char manufacturer[65]; /**< manufacturer, if known */
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
} eport_pin_info;

/** One certificate / key slot of a token. */
typedef struct eport_slot_info {
  uint32_t struct_size;    /**< set by the caller */
  char slot[9];            /**< slot id as the driver names it, e.g. "9a"; passed back to cert_read */
  char label[65];          /**< human name, e.g. "PIV Authentication" */
  int32_t has_certificate; /**< 1 = a certificate is stored, 0 = empty, -1 unknown */
  int32_t has_key;         /**< 1 = a private key is present, 0 = none, -1 unknown */
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
   * @param host_ctx  eport_host.host_ctx
   * @param level     EPORT_LOG_ERROR .. EPORT_LOG_DEBUG
   * @param message   UTF-8, NUL-terminated, one line; never a PIN, PUK or key
   * Thread-safe; may be called from any plug-in function.
   */
  void (*log)(void* host_ctx, int32_t level, const char* message);

  /**
   * Send one command APDU to the card of `ch` and receive its response.
   * @param ch            the channel the host passed to the current function (card drivers only)
   * @param command       the command APDU (header, Lc, data, Le as the driver encodes them)
   * @param command_len   its length in bytes
   * @param response      buffer for the response data followed by SW1 SW2
   * @param response_len  in: capacity of `response` (>= 2); out: bytes written (incl. SW1 SW2)
   * @return EPORT_OK; EPORT_ERR_CARD_REMOVED; EPORT_ERR_TRANSMIT; EPORT_ERR_TIMEOUT;
   *         EPORT_ERR_BUFFER_TOO_SMALL (response did not fit; use >= 258 bytes for short APDUs);
   *         EPORT_ERR_BAD_ARGS.
   * The host does not interpret status words: 61XX (GET RESPONSE), 6CXX and command chaining
   * are the driver's job. Call only from inside the function that received `ch`.
   */
  int32_t (*transmit)(eport_channel* ch, const uint8_t* command, size_t command_len, uint8_t* response,
                      size_t* response_len);

  /**
   * This plug-in's `options` from eportd.yaml as the text of a JSON object ("{}" when none).
   * Valid during init() only: copy what you need.
   */
  const char* config_json;
} eport_host;

/* ---------------------------------------------------------------------------------------------
 * Ops table: returned by eport_driver_entry(); must stay valid until the library is unloaded
 * ------------------------------------------------------------------------------------------- */

/** The functions and facts of one driver. Usually one `static const` object in the plug-in. */
typedef struct eport_driver_ops {
  uint16_t abi_major;   /**< EPORT_DRIVER_ABI_MAJOR the plug-in was built with */
  uint16_t abi_minor;   /**< EPORT_DRIVER_ABI_MINOR the plug-in was built with */
  uint32_t struct_size; /**< sizeof(eport_driver_ops) the plug-in was built with */

  const char* name;      /**< must equal <name> in the file name eport-<name>.so */
  const char* version;   /**< the plug-in's own version, e.g. "0.1.0" */
  uint32_t kind;         /**< EPORT_KIND_CARD or EPORT_KIND_TOKEN_PROVIDER */
  uint64_t capabilities; /**< EPORT_CAP_* bits; each set bit requires its function */

  /* --- lifetime (required) ------------------------------------------------------------------ */

  /**
   * Create the driver context. Called once after the table was accepted.
   * @param host  host services; the pointer stays valid until shutdown() returns, but
   *              host->config_json only during this call
   * @param out   receives the context passed to every other driver function (may be NULL
   *              if the plug-in needs none)
   * @return EPORT_OK; any error makes the host unload the plug-in (log why through host->log;
   *         e.g. EPORT_ERR_BAD_ARGS for invalid options).
   */
  int32_t (*init)(const eport_host* host, eport_driver** out);

  /**
   * Destroy the driver context. Called once, after every token was closed. Must not fail.
   * @param driver  the context from init()
   */
  void (*shutdown)(eport_driver* driver);

  /* --- card drivers (kind EPORT_KIND_CARD; required: match, open_token, close_token) ---------- */

  /**
   * Decide whether an inserted card is for this driver. May send APDUs (e.g. SELECT) but must
   * not verify a PIN or change the card.
   * @param driver   the context
   * @param ch       the card's channel, for host->transmit()
   * @param atr      the card's ATR
   * @param atr_len  its length
   * @return EPORT_OK = mine; EPORT_ERR_NO_MATCH = not mine; other errors = could not tell
   *         (the host logs it and tries the next driver).
   */
  int32_t (*match)(eport_driver* driver, eport_channel* ch, const uint8_t* atr, size_t atr_len);

  /**
   * Open a token on a card that match() accepted. Called right after match() in the same
   * transaction; the token lives until close_token().
   * @param driver  the context
   * @param ch      the card's channel (valid only during this call)
   * @param out     receives the token context
   * @return EPORT_OK or an error (then *out is not used).
   */
  int32_t (*open_token)(eport_driver* driver, eport_channel* ch, eport_token** out);

  /**
   * Release a token (card removed, daemon stopping). Must not talk to the card. Required for
   * both kinds.
   * @param token  from open_token() or open_provider_token()
   */
  void (*close_token)(eport_token* token);

  /* --- token providers (kind EPORT_KIND_TOKEN_PROVIDER; required: enumerate,
   *     open_provider_token, close_token) ----------------------------------------------------- */

  /**
   * List the tokens present now.
   * @param driver  the context
   * @param infos   caller array; element i is EPORT_ELEMENT(eport_token_info, infos, i)
   * @param count   in: elements in `infos`; out: tokens present (all written on EPORT_OK)
   * @return EPORT_OK; EPORT_ERR_BUFFER_TOO_SMALL (*count = tokens present); other errors.
   */
  int32_t (*enumerate)(eport_driver* driver, eport_token_info* infos, size_t* count);

  /**
   * Open the token with a serial from enumerate().
   * @param driver  the context
   * @param serial  eport_token_info.serial, NUL-terminated
   * @param out     receives the token context
   * @return EPORT_OK; EPORT_ERR_NOT_FOUND (no such token any more); other errors.
   */
  int32_t (*open_provider_token)(eport_driver* driver, const char* serial, eport_token** out);

  /**
   * Block until the set of tokens may have changed, or the timeout passes. Optional
   * (EPORT_CAP_WAIT_CHANGE); without it the host calls enumerate() periodically.
   * @param driver      the context
   * @param timeout_ms  longest wait; the host uses short timeouts so that it can stop
   * @return EPORT_OK = something changed (the host calls enumerate()); EPORT_ERR_TIMEOUT =
   *         nothing changed; other errors.
   */
  int32_t (*wait_change)(eport_driver* driver, uint32_t timeout_ms);

  /* --- operations on an open token ------------------------------------------------------------
   * `token` from open_token()/open_provider_token(); `ch` is the card's channel for card drivers
   * (valid only during the call) and NULL for token providers. None of these may spend a PIN or
   * PUK try unless the operation itself is given that PIN or PUK. */

  /**
   * Identify the token (EPORT_CAP_IDENTIFY).
   * @param out  serial, label, model, manufacturer
   * @return EPORT_OK or an error.
   */
  int32_t (*identify)(eport_token* token, eport_channel* ch, eport_token_info* out);

  /**
   * Report the state of a PIN without spending a try (EPORT_CAP_PIN_STATUS).
   * @param which  EPORT_PIN_USER or EPORT_PIN_PUK
   * @param out    tries left, max, default flag, blocked, sources
   * @return EPORT_OK (also when the PIN is blocked: out->blocked = 1); EPORT_ERR_UNSUPPORTED
   *         when the card cannot report this PIN; EPORT_ERR_BAD_ARGS for an unknown `which`.
   */
  int32_t (*pin_status)(eport_token* token, eport_channel* ch, uint32_t which, eport_pin_info* out);

  /**
   * Unblock / reset the user PIN with the PUK (SO PIN) (EPORT_CAP_PIN_RESET).
   * @param puk, puk_len          the PUK / SO PIN (not NUL-terminated)
   * @param new_pin, new_pin_len  the new user PIN (not NUL-terminated)
   * @param out  on EPORT_ERR_WRONG_PIN / EPORT_ERR_PIN_BLOCKED: the PUK's state (tries left);
   *             on EPORT_OK: the user PIN's state after the reset, as far as known
   * @return EPORT_OK; EPORT_ERR_WRONG_PIN (the PUK was wrong); EPORT_ERR_PIN_BLOCKED (the PUK is
   *         blocked); EPORT_ERR_INVALID_PIN (new PIN breaks the rules, nothing sent); other errors.
   */
  int32_t (*pin_reset)(eport_token* token, eport_channel* ch, const char* puk, size_t puk_len,
                       const char* new_pin, size_t new_pin_len, eport_pin_info* out);

  /**
   * Change a PIN knowing the old one (EPORT_CAP_PIN_CHANGE).
   * @param which                 EPORT_PIN_USER or EPORT_PIN_PUK
   * @param old_pin, old_pin_len  the current value (not NUL-terminated)
   * @param new_pin, new_pin_len  the new value (not NUL-terminated)
   * @param out  the state of that PIN after the call (tries left on EPORT_ERR_WRONG_PIN)
   * @return EPORT_OK; EPORT_ERR_WRONG_PIN; EPORT_ERR_PIN_BLOCKED; EPORT_ERR_INVALID_PIN; others.
   */
  int32_t (*pin_change)(eport_token* token, eport_channel* ch, uint32_t which, const char* old_pin,
                        size_t old_pin_len, const char* new_pin, size_t new_pin_len, eport_pin_info* out);

  /**
   * List the certificate / key slots (EPORT_CAP_CERT_LIST).
   * @param slots  caller array; element i is EPORT_ELEMENT(eport_slot_info, slots, i)
   * @param count  in: elements in `slots`; out: slots the token has (all written on EPORT_OK)
   * @return EPORT_OK; EPORT_ERR_BUFFER_TOO_SMALL (*count = slots needed); other errors.
   */
  int32_t (*cert_list)(eport_token* token, eport_channel* ch, eport_slot_info* slots, size_t* count);

  /**
   * Read the certificate in a slot (EPORT_CAP_CERT_READ).
   * @param slot     eport_slot_info.slot, e.g. "9a"
   * @param der      buffer for the certificate, DER (uncompressed)
   * @param der_len  in: capacity; out: bytes written (or needed)
   * @return EPORT_OK; EPORT_ERR_NOT_FOUND (slot empty); EPORT_ERR_BAD_ARGS (unknown slot);
   *         EPORT_ERR_BUFFER_TOO_SMALL (*der_len = size needed); other errors.
   */
  int32_t (*cert_read)(eport_token* token, eport_channel* ch, const char* slot, uint8_t* der,
                       size_t* der_len);

  /**
   * Store a certificate in a slot (EPORT_CAP_CERT_WRITE). The host has checked that `der` parses.
   * @param slot          eport_slot_info.slot
   * @param der, der_len  the certificate, DER
   * @param mgmt_key, mgmt_key_len  management key (raw bytes); mgmt_key_len 0 = use the key
   *                      configured in the driver's options
   * @return EPORT_OK; EPORT_ERR_WRONG_MGMT_KEY; EPORT_ERR_MGMT_KEY_REQUIRED (none given, none
   *         configured); EPORT_ERR_BAD_ARGS (unknown slot); other errors.
   */
  int32_t (*cert_write)(eport_token* token, eport_channel* ch, const char* slot, const uint8_t* der,
                        size_t der_len, const uint8_t* mgmt_key, size_t mgmt_key_len);

  /**
   * Read the public key of the key in a slot, to check that a certificate matches it
   * (EPORT_CAP_SLOT_PUBLIC_KEY).
   * @param slot       eport_slot_info.slot
   * @param spki_der   buffer for the SubjectPublicKeyInfo, DER
   * @param len        in: capacity; out: bytes written (or needed)
   * @return EPORT_OK; EPORT_ERR_NOT_FOUND (no key, or the card cannot tell without
   *         generating one — a driver never generates a key here); EPORT_ERR_UNSUPPORTED;
   *         EPORT_ERR_BUFFER_TOO_SMALL (*len = size needed); other errors.
   */
  int32_t (*slot_public_key)(eport_token* token, eport_channel* ch, const char* slot, uint8_t* spki_der,
                             size_t* len);
} eport_driver_ops;

/** Size of the v1.0 ops table: the host refuses smaller tables. */
#define EPORT_DRIVER_OPS_SIZE_1_0 (offsetof(eport_driver_ops, slot_public_key) + sizeof(void (*)(void)))
/** Size of the v1.0 host table: a plug-in may rely on every field up to config_json. */
#define EPORT_HOST_SIZE_1_0 (offsetof(eport_host, config_json) + sizeof(const char*))

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
