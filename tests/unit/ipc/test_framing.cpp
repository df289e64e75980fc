#include <catch2/catch.hpp>

#include "ipc/framing.hpp"

using eport::ipc::LineFramer;
using Status = LineFramer::Status;

TEST_CASE("a line split over several reads comes out once it is complete", "[ipc][framing]") {
  LineFramer framer(100);
  std::string line;
  framer.feed("{\"jsonrpc\":");
  CHECK(framer.next(line) == Status::need_more);
  framer.feed("\"2.0\"}");
  CHECK(framer.next(line) == Status::need_more);
  framer.feed("\n");
  REQUIRE(framer.next(line) == Status::line);
  CHECK(line == "{\"jsonrpc\":\"2.0\"}");
  CHECK(framer.next(line) == Status::need_more);
  CHECK(framer.buffered() == 0);
}

TEST_CASE("several messages in one read come out one by one, in order", "[ipc][framing]") {
  LineFramer framer(100);
  framer.feed("one\ntwo\r\nthree\npart");
  std::string line;
  REQUIRE(framer.next(line) == Status::line);
  CHECK(line == "one");
  REQUIRE(framer.next(line) == Status::line);
  CHECK(line == "two");
  REQUIRE(framer.next(line) == Status::line);
  CHECK(line == "three");
  CHECK(framer.next(line) == Status::need_more);
  CHECK(framer.buffered() == 4);
}

TEST_CASE("a line of exactly the limit passes, one byte more is too long", "[ipc][framing]") {
  std::string line;
  LineFramer ok(10);
  ok.feed(std::string(10, 'a') + "\n");
  CHECK(ok.next(line) == Status::line);
  LineFramer over(10);
  over.feed(std::string(11, 'a') + "\n");
  CHECK(over.next(line) == Status::too_long);
}

TEST_CASE("an over-limit line is detected before its newline arrives", "[ipc][framing]") {
  LineFramer framer(1000);
  std::string line;
  for (int i = 0; i < 10; ++i) {
    framer.feed(std::string(100, 'x'));
    CHECK(framer.next(line) == Status::need_more);
  }
  framer.feed("x");
  CHECK(framer.next(line) == Status::too_long);
  // The stream cannot be resynchronised: the framer stays failed.
  framer.feed("\n{}\n");
  CHECK(framer.next(line) == Status::too_long);
}

TEST_CASE("many small lines keep the buffer small", "[ipc][framing]") {
  LineFramer framer(100);
  std::string line;
  for (int i = 0; i < 10000; ++i) {
    framer.feed("{}\n");
    REQUIRE(framer.next(line) == Status::line);
  }
  CHECK(framer.buffered() == 0);
}
