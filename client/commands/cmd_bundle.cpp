// doctor --bundle FILE: the support bundle (support_bundle.hpp) written next to doctor's checklist.
#include "commands.hpp"

#include "support_bundle.hpp"

namespace eport::client {

using nlohmann::json;

bool write_support_bundle(const Context& ctx, DoctorRun& run, const json& doctor, json& report) {
  BundleOptions options;
  options.lines = static_cast<std::size_t>(ctx.opt.bundle_lines);
  options.doctor_json = doctor.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
  const Bundle bundle = gather_bundle(run.rpc.get(), run.connect_problem, options);
  report = {{"path", ctx.opt.bundle}};
  try {
    report["directory"] = write_bundle(bundle, ctx.opt.bundle);
  } catch (const std::exception& e) {
    report["error"] = e.what();
    ctx.report({"bundle_failed", trf(ctx.lang, "bundle.failed", {{"detail", e.what()}}),
                tr(ctx.lang, "bundle.failed.todo")},
               exit_failed);
    return false;
  }
  json files = json::array({"README.txt"});
  for (const auto& file : bundle.files) files.push_back(file.name);
  report["files"] = files;
  report["missing"] = bundle.missing;
  if (!ctx.opt.json) {
    ctx.out << "\n"
            << ctx.style.mark(Level::ok) << " "
            << trf(ctx.lang, "bundle.written",
                   {{"path", ctx.opt.bundle}, {"n", std::to_string(files.size())}})
            << "\n";
    if (!bundle.missing.empty()) {
      ctx.out << "  " << tr(ctx.lang, "bundle.missing") << "\n";
      for (const auto& why : bundle.missing) ctx.out << "    - " << why << "\n";
    }
  }
  return true;
}

}  // namespace eport::client
