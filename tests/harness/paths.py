"""Where the source tree, the build tree and the system tools are."""

import os
import shutil

SOURCE_DIR = os.environ.get(
    "EPORT_SOURCE_DIR",
    os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

VPCD_DRIVER = "/usr/lib/pcsc/drivers/serial/libifdvpcd.so"
OPENSC_PKCS11 = "/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so"


def build_dir():
    """The build tree under test: $EPORT_BUILD_DIR (set by ctest), else build/dev."""
    return os.environ.get("EPORT_BUILD_DIR", os.path.join(SOURCE_DIR, "build", "dev"))


def built(name):
    """Path of a program built into <build>/bin, or None when it is not built (yet)."""
    path = os.path.join(build_dir(), "bin", name)
    return path if os.access(path, os.X_OK) else None


def plugin_dir():
    """The build tree's single plug-in directory."""
    return os.path.join(build_dir(), "plugins")


def opensc_pkcs11():
    """The OpenSC PKCS#11 module (multiarch path first)."""
    for path in (OPENSC_PKCS11, "/usr/lib/opensc-pkcs11.so",
                 "/usr/lib/x86_64-linux-gnu/pkcs11/opensc-pkcs11.so"):
        if os.path.exists(path):
            return path
    return None


def tool(name):
    """Absolute path of a system tool, or None."""
    return shutil.which(name, path=os.environ.get("PATH", "") + ":/usr/sbin:/sbin")


def sanitizer_env(env):
    """`env` for a Python process that loads an instrumented library of a sanitizer build
    (ctypes): the ASan runtime preloaded, and leak checking off for the interpreter, whose own
    allocations are not eportd's. Unchanged for ordinary builds."""
    preload = os.environ.get("EPORT_ASAN_PRELOAD")
    if not preload:
        return env
    env = dict(env)
    env["LD_PRELOAD"] = preload
    env["ASAN_OPTIONS"] = env.get("ASAN_OPTIONS", "") + ":detect_leaks=0"
    return env


def sanitized():
    """True when the build under test is a sanitizer build (ctest sets EPORT_ASAN_PRELOAD)."""
    return bool(os.environ.get("EPORT_ASAN_PRELOAD"))


def umockdev_env(env=None):
    """`env` (default: this process's) for a program started by umockdev-run or -wrapper. It puts
    its preload library before everything else, so an ASan-instrumented program would stop at
    ASan's link-order check; the check is turned off for it in sanitizer builds (the runtime is
    still loaded, as a dependency of the program), and ASan's log_path is dropped. Unchanged for
    ordinary builds."""
    env = dict(os.environ if env is None else env)
    if sanitized():
        # ASan's log_path (set by .ci/run) makes the program crash at start under umockdev's
        # preload; its reports go to stderr instead, and still end it with an error status.
        options = [o for o in env.get("ASAN_OPTIONS", "").split(":") if o and not o.startswith("log_path=")]
        env["ASAN_OPTIONS"] = ":".join(options + ["verify_asan_link_order=0"])
    return env
