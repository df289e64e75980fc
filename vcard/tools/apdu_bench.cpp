// eport-vcard-bench: APDU round trips through PC/SC (pcscd + vpcd + eport-vcard).
// Usage: eport-vcard-bench [READER-SUBSTRING] [COUNT]; prints the mean and median round trip.
// Sends empty VERIFY (PIN status, costs no try), so it is safe on any card.
#include <PCSC/winscard.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace {

struct Context {
  SCARDCONTEXT handle = 0;
  ~Context() {
    if (handle != 0) SCardReleaseContext(handle);
  }
};

struct CardHandle {
  SCARDHANDLE handle = 0;
  ~CardHandle() {
    if (handle != 0) SCardDisconnect(handle, SCARD_LEAVE_CARD);
  }
};

std::string find_reader(SCARDCONTEXT ctx, const std::string& want) {
  DWORD len = 0;
  if (SCardListReaders(ctx, nullptr, nullptr, &len) != SCARD_S_SUCCESS) return {};
  std::vector<char> buf(len);
  if (SCardListReaders(ctx, nullptr, buf.data(), &len) != SCARD_S_SUCCESS) return {};
  for (const char* p = buf.data(); *p != '\0'; p += std::strlen(p) + 1) {
    if (std::string(p).find(want) != std::string::npos) return p;
  }
  return {};
}

}  // namespace

int main(int argc, char** argv) {
  std::string want = argc > 1 ? argv[1] : "Virtual PCD 00 00";
  int count = argc > 2 ? std::stoi(argv[2]) : 1000;
  Context ctx;
  if (SCardEstablishContext(SCARD_SCOPE_SYSTEM, nullptr, nullptr, &ctx.handle) != SCARD_S_SUCCESS) {
    std::fprintf(stderr, "bench: no PC/SC (is pcscd running? PCSCLITE_CSOCK_NAME?)\n");
    return 1;
  }
  std::string reader = find_reader(ctx.handle, want);
  if (reader.empty()) {
    std::fprintf(stderr, "bench: no reader matching '%s'\n", want.c_str());
    return 1;
  }
  CardHandle card;
  DWORD proto = 0;
  if (SCardConnect(ctx.handle, reader.c_str(), SCARD_SHARE_SHARED, SCARD_PROTOCOL_T1, &card.handle, &proto) !=
      SCARD_S_SUCCESS) {
    std::fprintf(stderr, "bench: cannot connect to the card in '%s'\n", reader.c_str());
    return 1;
  }
  const unsigned char select[] = {0x00, 0xA4, 0x04, 0x00, 0x05, 0xA0, 0x00, 0x00, 0x03, 0x08};
  const unsigned char status[] = {0x00, 0x20, 0x00, 0x80};
  unsigned char resp[258];
  DWORD rlen = sizeof resp;
  SCardTransmit(card.handle, SCARD_PCI_T1, select, sizeof select, nullptr, resp, &rlen);
  SCardBeginTransaction(card.handle);
  std::vector<double> micros;
  micros.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    rlen = sizeof resp;
    auto t0 = std::chrono::steady_clock::now();
    LONG rc = SCardTransmit(card.handle, SCARD_PCI_T1, status, sizeof status, nullptr, resp, &rlen);
    auto t1 = std::chrono::steady_clock::now();
    if (rc != SCARD_S_SUCCESS) {
      std::fprintf(stderr, "bench: transmit failed: %s\n", pcsc_stringify_error(rc));
      return 1;
    }
    micros.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
  }
  SCardEndTransaction(card.handle, SCARD_LEAVE_CARD);
  std::vector<double> sorted = micros;
  std::sort(sorted.begin(), sorted.end());
  double sum = 0;
  for (double m : micros) sum += m;
  std::printf("%d APDUs: mean %.1f us, median %.1f us, p99 %.1f us, max %.1f us\n", count, sum / count,
              sorted[sorted.size() / 2], sorted[sorted.size() * 99 / 100], sorted.back());
  return 0;
}
