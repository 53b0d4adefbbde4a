// Eigen-image filter against numpy.linalg.svd (tests/reference/make_gpr_filters_a_reference.py)
// and against an analytic rank-one background.
#include <gtest/gtest.h>

#include <Eigen/Core>
#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "deminer/dsp/gpr/eigen_image_filter.hpp"

using deminer::dsp::EigenImageFilter;

namespace {

struct EigenCase {
  std::string name;
  std::size_t samples = 0;
  std::size_t traces = 0;
  std::size_t first = 0;
  std::size_t last = 0;
  std::vector<float> input;
  std::vector<double> output;
  std::vector<double> singular_values;
};

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> fields;
  std::istringstream in(line);
  std::string field;
  while (std::getline(in, field, ',')) fields.push_back(field);
  return fields;
}

template <typename T>
std::vector<T> numbers(const std::vector<std::string>& fields) {
  std::vector<T> values;
  for (std::size_t k = 1; k < fields.size(); ++k)
    values.push_back(static_cast<T>(std::stod(fields[k])));
  return values;
}

std::vector<EigenCase> read_reference() {
  std::ifstream in(std::string(DEMINER_TEST_REFERENCE_DIR) + "/gpr_filters_a_reference.csv");
  std::vector<EigenCase> cases;
  std::string line;
  bool in_eigen = false;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const auto fields = split(line);
    if (fields[0] == "eigen") {
      EigenCase c;
      c.name = fields[1];
      c.samples = std::stoul(fields[2]);
      c.traces = std::stoul(fields[3]);
      c.first = std::stoul(fields[4]);
      c.last = std::stoul(fields[5]);
      cases.push_back(std::move(c));
      in_eigen = true;
    } else if (fields[0] == "interp") {
      in_eigen = false;
    } else if (in_eigen && fields[0] == "input") {
      cases.back().input = numbers<float>(fields);
    } else if (in_eigen && fields[0] == "output") {
      cases.back().output = numbers<double>(fields);
    } else if (in_eigen && fields[0] == "singular_values") {
      cases.back().singular_values = numbers<double>(fields);
    }
  }
  return cases;
}

TEST(EigenImageFilter, MatchesNumpySvd) {
  const auto cases = read_reference();
  ASSERT_EQ(cases.size(), 4u) << "gpr_filters_a_reference.csv missing or damaged";
  for (const auto& c : cases) {
    ASSERT_EQ(c.input.size(), c.samples * c.traces) << c.name;
    ASSERT_EQ(c.output.size(), c.input.size()) << c.name;
    EigenImageFilter filter({c.first, c.last});
    std::vector<float> data = c.input;
    const Eigen::VectorXd singular_values = filter.apply(data, c.samples, c.traces);
    ASSERT_EQ(static_cast<std::size_t>(singular_values.size()), c.singular_values.size()) << c.name;
    for (std::size_t k = 0; k < c.singular_values.size(); ++k) {
      EXPECT_NEAR(singular_values(static_cast<Eigen::Index>(k)), c.singular_values[k],
                  1e-9 * c.singular_values[0])
          << c.name << " k " << k;
    }
    // Float32 output of values up to ~5: a few float ulps.
    for (std::size_t i = 0; i < data.size(); ++i) {
      ASSERT_NEAR(data[i], c.output[i], 2e-6) << c.name << " element " << i;
    }
    // The Map overload on the same buffer gives the same answer.
    std::vector<float> again = c.input;
    filter.apply(EigenImageFilter::BscanMap(again.data(), static_cast<Eigen::Index>(c.samples),
                                            static_cast<Eigen::Index>(c.traces)));
    EXPECT_EQ(again, data) << c.name;
  }
}

TEST(EigenImageFilter, RemovesARankOneBackgroundExactly) {
  // X = 5 b aᵀ + 0.5 e_30 wᵀ with b ⟂ e_30 (the echo sits where b = 0) and w ⟂ a (a unit dipole
  // across traces 12 and 13): the SVD is exactly these two terms, so removing component 0 leaves
  // the echo and σ_1 = 0.5.
  const std::size_t samples = 40;
  const std::size_t traces = 25;
  auto gain = [](std::size_t j) { return 1.0 + 0.1 * std::sin(0.3 * static_cast<double>(j)); };
  const double norm = std::hypot(gain(12), gain(13));
  std::vector<double> expected(samples * traces, 0.0);
  expected[12 * samples + 30] = 0.5 * gain(13) / norm;
  expected[13 * samples + 30] = -0.5 * gain(12) / norm;
  std::vector<float> data(samples * traces);
  for (std::size_t j = 0; j < traces; ++j) {
    for (std::size_t i = 0; i < samples; ++i) {
      const double background = i < 20 ? std::cos(0.4 * static_cast<double>(i)) : 0.0;
      data[j * samples + i] =
          static_cast<float>(5.0 * background * gain(j) + expected[j * samples + i]);
    }
  }
  EigenImageFilter filter({0, 1});
  const Eigen::VectorXd singular_values = filter.apply(data, samples, traces);
  EXPECT_NEAR(singular_values(1), 0.5, 1e-6);
  EXPECT_LT(singular_values(2), 1e-5);  // float32 rounding of the input only
  for (std::size_t k = 0; k < data.size(); ++k) ASSERT_NEAR(data[k], expected[k], 1e-5) << k;
}

TEST(EigenImageFilter, ComponentsBeyondTheRankAreIgnoredAndBadConfigRejected) {
  std::vector<float> data = {1, 2, 3, 4, 5, 7};  // 3 samples x 2 traces
  const std::vector<float> original = data;
  EigenImageFilter filter({5, 9});
  const Eigen::VectorXd singular_values = filter.apply(data, 3, 2);
  EXPECT_EQ(singular_values.size(), 2);
  EXPECT_EQ(data, original);
  EXPECT_THROW(filter.apply(data, 4, 2), std::invalid_argument);
  try {
    EigenImageFilter bad({2, 2});
    ADD_FAILURE() << "last_component 2 accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("last_component 2"), std::string::npos) << e.what();
  }
}

}  // namespace
