// doctor --bundle FILE: the support bundle (support_bundle.hpp) written next to doctor's checklist.
#include "commands.hpp"

#include "support_bundle.hpp"

namespace eport::client {

using nlohmann::json;

bool write_support_bundle(const Invocation& inv, DoctorRun& run, const json& doctor, json& report) {
  BundleOptions options;
  options.lines = static_cast<std::size_t>(inv.opt.bundle_lines);
  options.doctor_json = doctor.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
  const Bundle bundle = gather_bundle(run.rpc.get(), run.connect_problem, options);
  report = {{"path", inv.opt.bundle}};
  try {
    report["directory"] = write_bundle(bundle, inv.opt.bundle);
  } catch (const std::exception& e) {
    report["error"] = e.what();
    inv.report({"bundle_failed", trf(inv.lang, "bundle.failed", {{"detail", e.what()}}),
                tr(inv.lang, "bundle.failed.todo")},
               exit_failed);
    return false;
  }
  json files = json::array({"README.txt"});
  for (const auto& file : bundle.files) files.push_back(file.name);
  report["files"] = files;
  report["missing"] = bundle.missing;
  if (!inv.opt.json) {
    inv.out << "\n"
            << inv.style.mark(Level::ok) << " "
            << trf(inv.lang, "bundle.written",
                   {{"path", inv.opt.bundle}, {"n", std::to_string(files.size())}})
            << "\n";
    if (!bundle.missing.empty()) {
      inv.out << "  " << tr(inv.lang, "bundle.missing") << "\n";
      for (const auto& why : bundle.missing) inv.out << "    - " << why << "\n";
    }
  }
  return true;
}

}  // namespace eport::client
