#include "drivers/loader.hpp"

#include <set>
#include <utility>

#include <spdlog/spdlog.h>

#include "drivers/ops_table.hpp"
#include "drivers/plugin_instance.hpp"
#include "drivers/plugin_path.hpp"

namespace eport::drivers {

namespace {

// One plug-in through every load step; the first error stops it and RAII undoes the rest.
class SingleLoad {
 public:
  SingleLoad(const std::filesystem::path& dir, const DriverSpec& spec, std::shared_ptr<spdlog::logger> logger,
             const ProviderHostFn* provider_host)
      : dir_(dir), spec_(spec), logger_(std::move(logger)), provider_host_(provider_host) {}

  // The initialised plug-in, or nullptr with failure() filled in.
  std::unique_ptr<Driver> run() {
    failure_ = {spec_.name, (dir_ / plugin_file_name(spec_.name)).string(), {}};
    const PluginPath where = resolve_plugin_path(dir_, spec_.name);
    if (!where.error.empty()) return fail(where.error);
    failure_.library = where.path.string();

    std::string config_json;
    if (!spec_.options.is_null() && !spec_.options.is_object())
      return fail("options of driver \"" + spec_.name + "\" must be a mapping (key: value)");
    config_json = spec_.options.is_object() ? spec_.options.dump() : "{}";

    SharedLibrary library(where.path.string());
    if (!library.is_open())
      return fail("cannot load the library: " + library.error() +
                  "; check that it is a plug-in for this machine and its dependencies exist");
    auto entry = reinterpret_cast<eport_driver_entry_fn>(library.symbol(EPORT_DRIVER_ENTRY_SYMBOL));
    if (entry == nullptr)
      return fail(std::string("not an eportd driver: it does not export ") + EPORT_DRIVER_ENTRY_SYMBOL +
                  "; build it against include/eport/driver.h and mark the entry "
                  "EPORT_DRIVER_EXPORT");
    return accept(std::move(library), entry, config_json);
  }

  const LoadFailure& failure() const { return failure_; }

 private:
  std::unique_ptr<Driver> accept(SharedLibrary library, eport_driver_entry_fn entry,
                                 const std::string& config_json) {
    const eport_driver_ops* raw = nullptr;
    std::int32_t status = EPORT_ERR_INTERNAL;
    try {
      status = entry(EPORT_DRIVER_ABI_MAJOR, EPORT_DRIVER_ABI_MINOR, &raw);
    } catch (...) {
      return fail("eport_driver_entry threw a C++ exception; the plug-in is broken");
    }
    if (status != EPORT_OK)
      return fail("eport_driver_entry refused this host (status " + std::to_string(status) +
                  "); install a plug-in built for driver ABI " + std::to_string(EPORT_DRIVER_ABI_MAJOR) +
                  ".x");
    eport_driver_ops ops;
    const std::string error = accept_ops_table(raw, spec_.name, ops);
    if (!error.empty()) return fail("refused: " + error);

    DriverInfo info;
    info.name = spec_.name;
    info.version = ops.version;
    info.abi = std::to_string(ops.abi_major) + "." + std::to_string(ops.abi_minor);
    info.library = failure_.library;
    info.kind = ops.kind == EPORT_KIND_CARD ? "card" : "token-provider";
    info.capability_bits = ops.capabilities;
    info.capabilities = capability_names(ops.capabilities);

    if (ops.kind == EPORT_KIND_TOKEN_PROVIDER && provider_host_ != nullptr && *provider_host_) {
      library.close();  // the helper loads it again, and keeps whatever it does out of here
      std::string reason;
      auto driver = (*provider_host_)(dir_, spec_, reason);
      if (driver == nullptr) return fail(reason);
      return driver;
    }
    auto plugin = std::make_shared<PluginInstance>(std::move(library), ops, spec_.name, logger_);
    const std::string init_error = plugin->initialise(config_json);
    if (!init_error.empty()) return fail("init failed: " + init_error);
    return std::make_unique<Driver>(std::move(plugin), std::move(info));
  }

  std::unique_ptr<Driver> fail(std::string reason) {
    failure_.reason = std::move(reason);
    return nullptr;
  }

  const std::filesystem::path& dir_;
  const DriverSpec& spec_;
  std::shared_ptr<spdlog::logger> logger_;
  const ProviderHostFn* provider_host_;
  LoadFailure failure_;
};

}  // namespace

DriverLoader::DriverLoader(std::filesystem::path plugin_dir, std::shared_ptr<spdlog::logger> logger)
    : plugin_dir_(std::move(plugin_dir)),
      logger_(logger != nullptr ? std::move(logger) : spdlog::default_logger()) {}

LoadResult DriverLoader::load(const std::vector<DriverSpec>& specs, LoadMode mode,
                              const ProviderHostFn& provider_host) const {
  LoadResult result;
  std::set<std::string> seen;
  for (const DriverSpec& spec : specs) {
    if (!seen.insert(spec.name).second) {
      result.failures.push_back({spec.name, (plugin_dir_ / plugin_file_name(spec.name)).string(),
                                 "driver \"" + spec.name + "\" is listed twice; remove the second entry"});
      continue;
    }
    SingleLoad step(plugin_dir_, spec, logger_, mode == LoadMode::Full ? &provider_host : nullptr);
    std::unique_ptr<Driver> driver = step.run();
    if (driver == nullptr) {
      logger_->error("driver {}: {} ({})", spec.name, step.failure().reason, step.failure().library);
      result.failures.push_back(step.failure());
      continue;
    }
    logger_->info("driver {} {} {} from {} (ABI {}, {})", driver->info().name, driver->info().version,
                  mode == LoadMode::Full ? "loaded" : "checked", driver->info().library, driver->info().abi,
                  driver->info().kind);
    result.checked.push_back(driver->info());
    if (mode == LoadMode::Full) result.drivers.push_back(std::move(driver));
  }
  return result;  // CheckOnly: each driver was shut down and unloaded when it went out of scope
}

LoadResult load_drivers(const std::filesystem::path& plugin_dir, const std::vector<DriverSpec>& specs,
                        LoadMode mode, std::shared_ptr<spdlog::logger> logger,
                        const ProviderHostFn& provider_host) {
  return DriverLoader(plugin_dir, std::move(logger)).load(specs, mode, provider_host);
}

}  // namespace eport::drivers
