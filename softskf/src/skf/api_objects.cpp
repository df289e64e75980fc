// Applications and containers: SKF_EnumApplication, SKF_OpenApplication, SKF_CloseApplication,
// SKF_EnumContainer, SKF_OpenContainer, SKF_CloseContainer, SKF_GetContainerType.
#include "api_support.hpp"

using namespace eport::softskf;

extern "C" {

SOFTSKF_API ULONG SKF_EnumApplication(DEVHANDLE hDev, LPSTR szAppName, ULONG* pulSize) {
  return guarded([&]() -> ULONG {
    if (pulSize == nullptr) return SAR_INVALIDPARAMERR;
    return on_device(hDev, "SKF_EnumApplication", [&](DeviceCall& call) {
      std::vector<std::string> names;
      for (const auto& app : call.state().applications) names.push_back(app.name);
      return put_name_list(names, szAppName, pulSize);
    });
  });
}

SOFTSKF_API ULONG SKF_OpenApplication(DEVHANDLE hDev, LPSTR szAppName, HAPPLICATION* phApplication) {
  return guarded([&]() -> ULONG {
    const auto name = c_string(szAppName);
    if (!name || phApplication == nullptr) return SAR_INVALIDPARAMERR;
    return on_device(hDev, "SKF_OpenApplication", [&](DeviceCall& call) -> ULONG {
      if (find_application(call.state(), *name) == nullptr) return SAR_APPLICATION_NOT_EXISTS;
      *phApplication = handles().open_application(hDev, *name);
      return *phApplication != nullptr ? SAR_OK : SAR_INVALIDHANDLEERR;
    });
  });
}

SOFTSKF_API ULONG SKF_CloseApplication(HAPPLICATION hApplication) {
  return guarded([&] { return handles().close_application(hApplication) ? SAR_OK : SAR_INVALIDHANDLEERR; });
}

SOFTSKF_API ULONG SKF_EnumContainer(HAPPLICATION hApplication, LPSTR szContainerName, ULONG* pulSize) {
  return guarded([&]() -> ULONG {
    if (pulSize == nullptr) return SAR_INVALIDPARAMERR;
    return on_application(hApplication, "SKF_EnumContainer", [&](DeviceCall&, Application& app) {
      std::vector<std::string> names;
      for (const auto& container : app.containers) names.push_back(container.name);
      return put_name_list(names, szContainerName, pulSize);
    });
  });
}

SOFTSKF_API ULONG SKF_OpenContainer(HAPPLICATION hApplication, LPSTR szContainerName,
                                    HCONTAINER* phContainer) {
  return guarded([&]() -> ULONG {
    const auto name = c_string(szContainerName);
    if (!name || phContainer == nullptr) return SAR_INVALIDPARAMERR;
    return on_application(hApplication, "SKF_OpenContainer", [&](DeviceCall&, Application& app) -> ULONG {
      if (find_container(app, *name) == nullptr) return SAR_FILE_NOT_EXIST;
      *phContainer = handles().open_container(hApplication, *name);
      return *phContainer != nullptr ? SAR_OK : SAR_INVALIDHANDLEERR;
    });
  });
}

SOFTSKF_API ULONG SKF_CloseContainer(HCONTAINER hContainer) {
  return guarded([&] { return handles().close_container(hContainer) ? SAR_OK : SAR_INVALIDHANDLEERR; });
}

SOFTSKF_API ULONG SKF_GetContainerType(HCONTAINER hContainer, ULONG* pulContainerType) {
  return guarded([&]() -> ULONG {
    if (pulContainerType == nullptr) return SAR_INVALIDPARAMERR;
    return on_container(hContainer, "SKF_GetContainerType", [&](DeviceCall&, Application&, Container& c) {
      *pulContainerType = c.type == KeyType::rsa   ? CONTAINER_TYPE_RSA
                          : c.type == KeyType::ecc ? CONTAINER_TYPE_ECC
                                                   : CONTAINER_TYPE_EMPTY;
      return SAR_OK;
    });
  });
}

}  // extern "C"
