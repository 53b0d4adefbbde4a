// Butterworth design and filtering against scipy.signal.butter/sosfilt/sosfiltfilt vectors
// (tests/reference/make_gpr_filters_b_reference.py), plus analytic checks of the response.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <fstream>
#include <map>
#include <numbers>
#include <sstream>
#include <string>
#include <vector>

#include "allocation_counter.hpp"
#include "deminer/dsp/core/butterworth.hpp"

using deminer::dsp::ButterworthFilter;
using deminer::dsp::design_butterworth;
using deminer::dsp::FilterBandType;
using deminer::dsp::SosSection;

namespace {

using Reference = std::map<std::string, std::vector<double>>;

const Reference& reference() {
  static const Reference rows = [] {
    Reference out;
    std::ifstream in(std::string(DEMINER_TEST_REFERENCE_DIR) + "/gpr_filters_b_reference.csv");
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#') continue;
      std::istringstream fields(line);
      std::string name;
      std::getline(fields, name, ',');
      std::vector<double> values;
      for (std::string v; std::getline(fields, v, ',');) values.push_back(std::stod(v));
      out[name] = std::move(values);
    }
    return out;
  }();
  return rows;
}

const std::vector<double>& row(const std::string& name) {
  static const std::vector<double> empty;
  const auto it = reference().find(name);
  EXPECT_NE(it, reference().end()) << name << " missing from gpr_filters_b_reference.csv";
  return it == reference().end() ? empty : it->second;
}

std::vector<float> signal(const std::string& name) {
  const auto& x = row("x/" + name);
  return {x.begin(), x.end()};
}

const char* type_name(FilterBandType t) {
  switch (t) {
    case FilterBandType::lowpass:
      return "lowpass";
    case FilterBandType::highpass:
      return "highpass";
    case FilterBandType::bandpass:
      return "bandpass";
    case FilterBandType::bandstop:
      return "bandstop";
  }
  return "?";
}

constexpr FilterBandType all_types[] = {FilterBandType::lowpass, FilterBandType::highpass,
                                        FilterBandType::bandpass, FilterBandType::bandstop};

TEST(ButterworthDesign, MatchesScipySectionForSection) {
  int checked = 0;
  for (FilterBandType type : all_types) {
    for (int variant = 0; variant < 2; ++variant) {
      const std::string suffix = std::string(type_name(type)) + "/";
      const auto& cutoffs = row("sos_cutoffs/" + suffix + std::to_string(variant));
      ASSERT_FALSE(cutoffs.empty());
      for (int order = 1; order <= 8; ++order) {
        const std::string name =
            "sos/" + suffix + std::to_string(order) + "/" + std::to_string(variant);
        const auto& expected = row(name);
        const auto sections =
            design_butterworth(order, type, cutoffs[0], cutoffs.size() > 1 ? cutoffs[1] : 0.0);
        ASSERT_EQ(sections.size() * 6, expected.size()) << name;
        for (std::size_t s = 0; s < sections.size(); ++s) {
          const double* e = &expected[6 * s];
          const SosSection& c = sections[s];
          ASSERT_EQ(e[3], 1.0) << name;
          const double got[] = {c.b0, c.b1, c.b2, 1.0, c.a1, c.a2};
          for (int k = 0; k < 6; ++k) {
            ASSERT_NEAR(got[k], e[k], 1e-9 * std::max(1.0, std::abs(e[k])))
                << name << " section " << s << " coefficient " << k;
          }
        }
        ++checked;
      }
    }
  }
  EXPECT_EQ(checked, 64);
}

std::complex<double> response(const std::vector<SosSection>& sections, double fraction_of_nyquist) {
  const std::complex<double> z1 = std::polar(1.0, -std::numbers::pi * fraction_of_nyquist);
  const std::complex<double> z2 = z1 * z1;
  std::complex<double> h = 1.0;
  for (const auto& s : sections)
    h *= (s.b0 + s.b1 * z1 + s.b2 * z2) / (1.0 + s.a1 * z1 + s.a2 * z2);
  return h;
}

TEST(ButterworthDesign, HasMinus3DbAtTheCutoffsAndUnitGainInThePassBand) {
  const double half_power = std::sqrt(0.5);
  for (int order = 1; order <= 12; ++order) {
    const auto lp = design_butterworth(order, FilterBandType::lowpass, 0.3);
    EXPECT_NEAR(std::abs(response(lp, 0.3)), half_power, 1e-12) << order;
    EXPECT_NEAR(std::abs(response(lp, 0.0)), 1.0, 1e-12) << order;
    const auto hp = design_butterworth(order, FilterBandType::highpass, 0.3);
    EXPECT_NEAR(std::abs(response(hp, 0.3)), half_power, 1e-12) << order;
    EXPECT_NEAR(std::abs(response(hp, 1.0)), 1.0, 1e-12) << order;
    const auto bp = design_butterworth(order, FilterBandType::bandpass, 0.2, 0.6);
    EXPECT_NEAR(std::abs(response(bp, 0.2)), half_power, 1e-12) << order;
    EXPECT_NEAR(std::abs(response(bp, 0.6)), half_power, 1e-12) << order;
    const auto bs = design_butterworth(order, FilterBandType::bandstop, 0.2, 0.6);
    EXPECT_NEAR(std::abs(response(bs, 0.2)), half_power, 1e-12) << order;
    EXPECT_NEAR(std::abs(response(bs, 0.0)), 1.0, 1e-12) << order;
    EXPECT_NEAR(std::abs(response(bs, 1.0)), 1.0, 1e-12) << order;
  }
}

TEST(ButterworthDesign, RejectsBadArguments) {
  EXPECT_THROW((void)design_butterworth(0, FilterBandType::lowpass, 0.3), std::invalid_argument);
  EXPECT_THROW((void)design_butterworth(25, FilterBandType::lowpass, 0.3), std::invalid_argument);
  EXPECT_THROW((void)design_butterworth(2, FilterBandType::lowpass, 0.0), std::invalid_argument);
  EXPECT_THROW((void)design_butterworth(2, FilterBandType::lowpass, 1.0), std::invalid_argument);
  EXPECT_THROW((void)design_butterworth(2, FilterBandType::bandpass, 0.5, 0.4),
               std::invalid_argument);
  EXPECT_THROW((void)design_butterworth(2, FilterBandType::bandstop, 0.5, 1.0),
               std::invalid_argument);
}

struct FilterCase {
  const char* name;
  int order;
  FilterBandType type;
  double low_hz;
  double high_hz;
};

constexpr FilterCase filter_cases[] = {
    {"bp4", 4, FilterBandType::bandpass, 200e6, 3e9},
    {"lp5", 5, FilterBandType::lowpass, 0.0, 2e9},
    {"hp3", 3, FilterBandType::highpass, 300e6, 0.0},
    {"bs2", 2, FilterBandType::bandstop, 1e9, 2e9},
};

void expect_close(std::span<const float> got, const std::vector<double>& expected,
                  const std::string& what) {
  ASSERT_EQ(got.size(), expected.size()) << what;
  double peak = 0.0;
  for (double v : expected) peak = std::max(peak, std::abs(v));
  for (std::size_t i = 0; i < got.size(); ++i) {
    ASSERT_NEAR(got[i], expected[i], 1e-5 * peak) << what << " sample " << i;
  }
}

ButterworthFilter::Config config_of(const FilterCase& c, bool zero_phase) {
  ButterworthFilter::Config config;
  config.order = c.order;
  config.type = c.type;
  config.low_hz = c.low_hz;
  config.high_hz = c.high_hz;
  config.sample_interval_s = 0.05e-9;
  config.zero_phase = zero_phase;
  return config;
}

TEST(ButterworthFilter, CausalMatchesScipySosfilt) {
  const auto x = signal("gpr");
  for (const auto& c : filter_cases) {
    ButterworthFilter filter(config_of(c, false), x.size());
    std::vector<float> out(x.size());
    filter.process(x, out);
    expect_close(out, row(std::string("sosfilt/") + c.name + "/gpr"), c.name);
    // A second trace starts from a clean state: the same input gives the same output.
    std::vector<float> again(x.size());
    filter.process(x, again);
    EXPECT_EQ(again, out) << c.name;
  }
}

TEST(ButterworthFilter, ZeroPhaseMatchesScipySosfiltfilt) {
  const auto x = signal("gpr");
  for (const auto& c : filter_cases) {
    ButterworthFilter filter(config_of(c, true), 512);
    std::vector<float> out(x.size());
    filter.process(x, out);
    expect_close(out, row(std::string("sosfiltfilt/") + c.name + "/gpr"), c.name);
  }
}

TEST(ButterworthFilter, DefaultPaddingIsScipys) {
  // Odd orders end with a first-order section (b2 = a2 = 0), which sosfiltfilt discounts.
  ButterworthFilter lp5(config_of(filter_cases[1], true), 300);
  EXPECT_EQ(lp5.sections().size(), 3u);
  EXPECT_EQ(lp5.padding(), 3u * (2 * 3 + 1 - 1));
  ButterworthFilter bp4(config_of(filter_cases[0], true), 300);
  EXPECT_EQ(bp4.padding(), 3u * (2 * 4 + 1));
}

TEST(ButterworthFilter, ShortTracesMatchSosfiltfiltWithTheLongestPossiblePadding) {
  const FilterCase hp4{"hp4", 4, FilterBandType::highpass, 300e6, 0.0};
  ButterworthFilter filter(config_of(hp4, true), 300);
  ASSERT_EQ(filter.padding(), 15u);
  for (const char* name : {"short20", "short10"}) {  // padding 15 < 20; 10 <= 15: padlen 9
    const auto x = signal(name);
    std::vector<float> out(x.size());
    filter.process(x, out);
    expect_close(out, row(std::string("sosfiltfilt/hp4/") + name), name);
  }
  const float one = 3.0f;
  float out = 0.0f;
  filter.process(std::span(&one, 1), std::span(&out, 1));
  EXPECT_TRUE(std::isfinite(out));
}

TEST(ButterworthFilter, InPlaceEqualsOutOfPlace) {
  const auto x = signal("gpr");
  for (bool zero_phase : {false, true}) {
    ButterworthFilter filter(config_of(filter_cases[0], zero_phase), x.size());
    std::vector<float> out(x.size());
    filter.process(x, out);
    std::vector<float> in_place = x;
    filter.process(in_place, in_place);
    EXPECT_EQ(in_place, out) << zero_phase;
  }
}

TEST(ButterworthFilter, ProcessAllocatesNothing) {
  const auto x = signal("gpr");
  for (bool zero_phase : {false, true}) {
    ButterworthFilter filter(config_of(filter_cases[0], zero_phase), x.size());
    std::vector<float> out(x.size());
    deminer::test::AllocationCounter counter;
    filter.process(x, out);
    filter.process(std::span(x).first(10), std::span(out).first(10));
    EXPECT_EQ(counter.count(), 0u) << zero_phase;
  }
}

TEST(ButterworthFilter, RejectsBadConfigNamingTheField) {
  const auto expect_rejected = [](ButterworthFilter::Config config, const std::string& field) {
    try {
      ButterworthFilter filter(config, 100);
      ADD_FAILURE() << field << " accepted";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
    }
  };
  ButterworthFilter::Config good = config_of(filter_cases[0], true);
  auto c = good;
  c.order = 0;
  expect_rejected(c, "order 0");
  c = good;
  c.sample_interval_s = 0.0;
  expect_rejected(c, "sample_interval_s 0");
  c = good;
  c.high_hz = 10e9;  // Nyquist
  expect_rejected(c, "high_hz 1");
  c = good;
  c.low_hz = -1.0;
  expect_rejected(c, "low_hz -1");
  c = good;
  c.low_hz = 4e9;  // above high_hz
  expect_rejected(c, "high_hz");
  c = good;
  c.type = FilterBandType::lowpass;
  c.low_hz = -1.0;  // unused by a low-pass: accepted
  EXPECT_NO_THROW(ButterworthFilter(c, 100));
  EXPECT_THROW(ButterworthFilter(good, 0), std::invalid_argument);
}

}  // namespace
