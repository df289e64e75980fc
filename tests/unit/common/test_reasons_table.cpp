// docs/protocol.md's reason table comes from reasons.def: a reason added in one place only fails here.
#include <catch2/catch.hpp>

#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "eport/common/reasons.hpp"

namespace {

// The table's row for one reason, as docs/protocol.md must spell it.
std::string row_for(const eport::reasons::ReasonInfo& info) {
  std::string row = "| `" + std::string(info.name) + "`";
  if (info.extension) row += " (**extension**)";
  row += " | " + std::string(info.meaning) + " | " + info.extra + (*info.extra ? " |" : "|");
  return row;
}

// The rows of the table under "| reason | meaning | ..." in docs/protocol.md.
std::vector<std::string> documented_rows() {
  std::ifstream in(EPORT_SOURCE_DIR "/docs/protocol.md");
  REQUIRE(in);
  std::vector<std::string> rows;
  std::string line;
  bool inside = false;
  while (std::getline(in, line)) {
    if (line.rfind("| reason | meaning |", 0) == 0) {
      inside = true;
      std::getline(in, line);  // |---|---|---|
      continue;
    }
    if (!inside) continue;
    if (line.empty() || line[0] != '|') break;
    rows.push_back(line);
  }
  return rows;
}

}  // namespace

TEST_CASE("docs/protocol.md's reason table lists exactly the rows of reasons.def", "[common][reasons]") {
  std::vector<std::string> expected;
  for (const auto& info : eport::reasons::kAll) expected.push_back(row_for(info));
  const auto documented = documented_rows();
  std::string table;
  for (const auto& row : expected) table += row + "\n";
  INFO("docs/protocol.md's table should read:\n" << table);
  CHECK(documented == expected);
}

TEST_CASE("reason names are unique, snake_case and known by name", "[common][reasons]") {
  std::set<std::string> seen;
  for (const auto& info : eport::reasons::kAll) {
    const std::string name = info.name;
    INFO(name);
    CHECK(seen.insert(name).second);
    CHECK(name.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") == std::string::npos);
    CHECK(eport::reasons::is_known(name));
    CHECK(*info.meaning != '\0');
  }
  CHECK(std::string(eport::reasons::wrong_puk) == "wrong_puk");
  CHECK_FALSE(eport::reasons::is_known("wrong_pukk"));
  CHECK_FALSE(eport::reasons::is_known(""));
}
