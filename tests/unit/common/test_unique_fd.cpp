#include <catch2/catch.hpp>

#include <fcntl.h>

#include <cerrno>

#include "eport/common/unique_fd.hpp"

namespace {
bool is_open(int fd) { return ::fcntl(fd, F_GETFD) != -1 || errno != EBADF; }
int open_null() { return ::open("/dev/null", O_RDONLY | O_CLOEXEC); }
}  // namespace

TEST_CASE("a file descriptor is closed when its owner goes", "[common][fd]") {
  int raw = -1;
  {
    eport::UniqueFd fd(open_null());
    raw = fd.get();
    REQUIRE(fd);
    CHECK(is_open(raw));
  }
  CHECK_FALSE(is_open(raw));
}

TEST_CASE("moving an owner hands the descriptor over; release gives it up unclosed", "[common][fd]") {
  eport::UniqueFd a(open_null());
  const int raw = a.get();
  eport::UniqueFd b(std::move(a));
  CHECK_FALSE(a);
  CHECK(b.get() == raw);
  eport::UniqueFd c;
  c = std::move(b);
  CHECK(c.get() == raw);
  const int released = c.release();
  CHECK_FALSE(c);
  CHECK(is_open(released));
  c.reset(released);
  c.reset();
  CHECK_FALSE(is_open(raw));
  CHECK_FALSE(eport::UniqueFd(-1));
}
