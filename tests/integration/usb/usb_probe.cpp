// eport-usb-probe: the USB watcher alone, for the umockdev suite. Starts the watcher, prints one
// JSON line per published event, then after --hold-ms one line with the usb section (no PC/SC
// reader list) and how long start() and stop() took.
#include <chrono>
#include <iostream>
#include <mutex>
#include <thread>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "usb/usb_watcher.hpp"

int main(int argc, char** argv) {
  CLI::App app{"eport-usb-probe: list USB readers and USBKeys as eportd sees them"};
  int hold_ms = 0;
  app.add_option("--hold-ms", hold_ms, "keep watching this long before reporting");
  CLI11_PARSE(app, argc, argv);

  std::mutex out;
  eport::usb::UsbWatcher watcher([&out](const std::string& topic, const nlohmann::json& params) {
    std::lock_guard<std::mutex> lock(out);
    std::cout << nlohmann::json{{"event", topic}, {"params", params}}.dump() << std::endl;
  });
  using clock = std::chrono::steady_clock;
  const auto t0 = clock::now();
  watcher.start();
  const auto t1 = clock::now();
  std::this_thread::sleep_for(std::chrono::milliseconds(hold_ms));
  auto report = eport::usb::usb_report(true, watcher.status(), nlohmann::json());
  const auto t2 = clock::now();
  watcher.stop();
  const auto t3 = clock::now();
  const auto ms = [](auto d) { return std::chrono::duration<double, std::milli>(d).count(); };
  report["start_ms"] = ms(t1 - t0);
  report["stop_ms"] = ms(t3 - t2);
  std::lock_guard<std::mutex> lock(out);
  std::cout << nlohmann::json{{"usb", report}}.dump() << std::endl;
  return 0;
}
