// Reference vectors written by the scripts in tests/reference/ as CSV rows "name,v0,v1,...".
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace deminer::test {

// The values of row `name` of tests/reference/<file>; a test failure (and empty) if absent.
inline std::vector<double> reference_row(const std::string& file, const std::string& name) {
  std::ifstream in(std::string(DEMINER_TEST_REFERENCE_DIR) + "/" + file);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(name + ",", 0) != 0) continue;
    std::istringstream fields(line.substr(name.size() + 1));
    std::vector<double> values;
    for (std::string v; std::getline(fields, v, ',');) values.push_back(std::stod(v));
    return values;
  }
  ADD_FAILURE() << name << " missing from " << file;
  return {};
}

}  // namespace deminer::test
