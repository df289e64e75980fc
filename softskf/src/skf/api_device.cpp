// Device management: SKF_EnumDev, SKF_ConnectDev, SKF_DisConnectDev, SKF_GetDevState,
// SKF_SetLabel, SKF_GetDevInfo, SKF_LockDev, SKF_UnlockDev, SKF_WaitForDevEvent,
// SKF_CancelWaitForDevEvent.
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <thread>

#include "api_support.hpp"

using namespace eport::softskf;

namespace {

void copy_field(CHAR* field, std::size_t size, const std::string& text) {
  std::memset(field, 0, size);
  std::memcpy(field, text.data(), std::min(text.size(), size - 1));
}

bool present(const std::string& dir, const std::string& name) {
  struct stat st {};
  return !dir.empty() && ::stat(device_path(dir, name).c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

void fill_devinfo(const DeviceState& s, DEVINFO& info) {
  std::memset(&info, 0, sizeof info);
  info.Version = {1, 0};
  copy_field(info.Manufacturer, sizeof info.Manufacturer, s.manufacturer);
  copy_field(info.Issuer, sizeof info.Issuer, s.issuer);
  copy_field(info.Label, sizeof info.Label, s.label);
  copy_field(info.SerialNumber, sizeof info.SerialNumber, s.serial);
  info.HWVersion = {s.hw_major, s.hw_minor};
  info.FirmwareVersion = {s.fw_major, s.fw_minor};
  info.AlgAsymCap = SGD_RSA | SGD_SM2_1 | SGD_SM2_3;
  info.AlgHashCap = SGD_SM3 | SGD_SHA256;
  info.TotalSpace = 65536;
  info.FreeSpace = 32768;
  info.MaxECCBufferSize = 2048;
  info.MaxBufferSize = 4096;
}

}  // namespace

extern "C" {

SOFTSKF_API ULONG SKF_EnumDev(BOOL bPresent, LPSTR szNameList, ULONG* pulSize) {
  (void)bPresent;  // every device the library supports is a present one
  return guarded([&] {
    const std::string dir = device_dir();
    events().start(dir);
    return put_name_list(list_devices(dir), szNameList, pulSize);
  });
}

SOFTSKF_API ULONG SKF_ConnectDev(LPSTR szName, DEVHANDLE* phDev) {
  return guarded([&]() -> ULONG {
    const auto name = c_string(szName);
    if (!name || name->empty() || phDev == nullptr) return SAR_INVALIDPARAMERR;
    const std::string dir = device_dir();
    if (!present(dir, *name)) return SAR_DEVICE_REMOVED;
    *phDev = handles().open_device(dir, *name);
    return SAR_OK;
  });
}

SOFTSKF_API ULONG SKF_DisConnectDev(DEVHANDLE hDev) {
  return guarded([&]() -> ULONG {
    const auto fd = handles().close_device(hDev);
    if (!fd) return SAR_INVALIDHANDLEERR;
    if (*fd >= 0) ::close(*fd);  // releases an SKF_LockDev
    return SAR_OK;
  });
}

SOFTSKF_API ULONG SKF_GetDevState(LPSTR szDevName, ULONG* pulDevState) {
  return guarded([&]() -> ULONG {
    const auto name = c_string(szDevName);
    if (!name || pulDevState == nullptr) return SAR_INVALIDPARAMERR;
    *pulDevState = present(device_dir(), *name) ? DEV_PRESENT_STATE : DEV_ABSENT_STATE;
    return SAR_OK;
  });
}

SOFTSKF_API ULONG SKF_SetLabel(DEVHANDLE hDev, LPSTR szLabel) {
  return guarded([&]() -> ULONG {
    const auto label = c_string(szLabel, 64);
    if (!label) return SAR_INVALIDPARAMERR;
    if (label->size() > 31) return SAR_NAMELENERR;
    return on_device(hDev, "SKF_SetLabel", [&](DeviceCall& call) {
      call.state().label = *label;
      call.changed();
      return SAR_OK;
    });
  });
}

SOFTSKF_API ULONG SKF_GetDevInfo(DEVHANDLE hDev, DEVINFO* pDevInfo) {
  return guarded([&]() -> ULONG {
    if (pDevInfo == nullptr) return SAR_INVALIDPARAMERR;
    return on_device(hDev, "SKF_GetDevInfo", [&](DeviceCall& call) {
      fill_devinfo(call.state(), *pDevInfo);
      return SAR_OK;
    });
  });
}

// An advisory lock file per device (flock), so that SKF_LockDev excludes other handles and other
// processes. ulTimeOut in milliseconds; 0xFFFFFFFF waits forever, as the standard allows.
SOFTSKF_API ULONG SKF_LockDev(DEVHANDLE hDev, ULONG ulTimeOut) {
  return guarded([&]() -> ULONG {
    const auto target = handles().device(hDev);
    const auto held = handles().lock_fd(hDev);
    if (!target || !held) return SAR_INVALIDHANDLEERR;
    if (*held >= 0) return SAR_OK;
    if (!present(target->dir, target->name)) return SAR_DEVICE_REMOVED;
    const std::string path = target->dir + "/." + target->name + ".lock";
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return SAR_FILEERR;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ulTimeOut);
    while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      if (errno != EWOULDBLOCK && errno != EINTR) {
        ::close(fd);
        return SAR_FAIL;
      }
      if (ulTimeOut != 0xFFFFFFFFu && std::chrono::steady_clock::now() >= deadline) {
        ::close(fd);
        return SAR_TIMEOUTERR;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (!handles().set_lock_fd(hDev, fd)) {
      ::close(fd);
      return SAR_INVALIDHANDLEERR;
    }
    return SAR_OK;
  });
}

SOFTSKF_API ULONG SKF_UnlockDev(DEVHANDLE hDev) {
  return guarded([&]() -> ULONG {
    const auto held = handles().lock_fd(hDev);
    if (!held) return SAR_INVALIDHANDLEERR;
    if (*held >= 0) {
      ::close(*held);
      handles().set_lock_fd(hDev, -1);
    }
    return SAR_OK;
  });
}

SOFTSKF_API ULONG SKF_WaitForDevEvent(LPSTR szDevName, ULONG* pulDevNameLen, ULONG* pulEvent) {
  return guarded([&] { return events().wait(device_dir(), szDevName, pulDevNameLen, pulEvent); });
}

SOFTSKF_API ULONG SKF_CancelWaitForDevEvent(void) {
  return guarded([] { return events().cancel(); });
}

}  // extern "C"
