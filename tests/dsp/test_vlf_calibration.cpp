// VlfCalibration: raw phasors made here the way a receive coil sees them (an air offset, an
// unknown electronic gain and phase, and the reciprocity factor −iω of docs/metal-detector.md)
// come out on the calibrated axes after an air capture and a ferrite capture: ferrite on +X, a
// sphere at its physical phase angle atan2(−Im χ, Re χ). Also direct settings, validation and no
// allocation.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <complex>
#include <numbers>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "allocation_counter.hpp"
#include "deminer/dsp/md/vlf_calibration.hpp"
#include "test_vlf_physics.hpp"

using deminer::dsp::md::VlfCalibration;
namespace phys = deminer::test::vlf;
using cf = std::complex<float>;
using cd = std::complex<double>;

namespace {

constexpr double kPi = std::numbers::pi;

// Two tones (5 and 20 kHz), each with its own electronics: raw = air + g·e^{iψ}·(−i)·M.
struct Head {
  std::array<double, 2> omega{2 * kPi * 5e3, 2 * kPi * 20e3};
  std::array<cd, 2> air{cd(0.31, -0.12), cd(-0.05, 0.4)};
  std::array<cd, 2> electronics{std::polar(0.8, 1.1), std::polar(1.7, -2.6)};

  // Window-major raw phasors of `windows` windows, polarisabilities per tone from `m`.
  template <class M>
  std::vector<cf> raw(std::size_t windows, M m) const {
    std::vector<cf> out;
    for (std::size_t w = 0; w < windows; ++w) {
      for (std::size_t k = 0; k < 2; ++k) {
        out.emplace_back(air[k] + electronics[k] * cd(0.0, -1.0) * m(omega[k]));
      }
    }
    return out;
  }
};

VlfCalibration::Config two_tones() {
  VlfCalibration::Config c;
  c.tone_count = 2;
  return c;
}

}  // namespace

TEST(VlfCalibration, AirAndFerriteCapturesPutTargetsOnThePhysicalAxes) {
  const Head head;
  VlfCalibration calibration(two_tones());
  std::vector<cf> out(2 * 50);

  calibration.begin_capture();
  calibration.process(head.raw(50, [](double) { return cd(0.0); }), out);
  EXPECT_EQ(calibration.captured_windows(), 50u);
  ASSERT_TRUE(calibration.finish_air_capture());
  EXPECT_NEAR(calibration.config().air_offset_re[1], head.air[1].real(), 1e-6);
  EXPECT_NEAR(calibration.config().air_offset_im[1], head.air[1].imag(), 1e-6);

  // A ferrite sample: real, positive, frequency-independent polarisability.
  calibration.begin_capture();
  calibration.process(head.raw(20, [](double) { return cd(0.05); }), out);
  ASSERT_TRUE(calibration.finish_ferrite_capture());
  EXPECT_FALSE(calibration.capturing());

  // The ferrite itself now lies on +X, at both tones.
  calibration.process(head.raw(1, [](double) { return cd(0.05); }), out);
  for (std::size_t k = 0; k < 2; ++k) {
    EXPECT_NEAR(out[k].real(), 0.05 * std::abs(head.electronics[k]), 1e-6);
    EXPECT_NEAR(out[k].imag(), 0.0, 1e-6);
  }
  // A 5 mm aluminium sphere and a 1 cm steel ball: their calibrated phase angles are the
  // physical ones, and the lossy part is on +R.
  for (const auto& [radius, sigma, mu_r] :
       {std::tuple{2.5e-3, phys::kAluminiumSiemensPerMetre, 1.0}, std::tuple{5e-3, 5e6, 100.0}}) {
    const auto sphere = [&](double omega) {
      return 1e-3 * phys::sphere_chi(radius, sigma, mu_r, omega);
    };
    calibration.process(head.raw(1, sphere), out);
    for (std::size_t k = 0; k < 2; ++k) {
      const double expected = phys::phase_angle_deg(sphere(head.omega[k]));
      const double got = std::atan2(out[k].imag(), out[k].real()) * 180.0 / kPi;
      EXPECT_NEAR(got, expected, 0.01) << "radius " << radius << " tone " << k;
      EXPECT_GT(out[k].imag(), 0.0);
      EXPECT_NEAR(std::abs(out[k]), std::abs(sphere(head.omega[k])) * std::abs(head.electronics[k]),
                  1e-6);
    }
  }
}

TEST(VlfCalibration, DirectSettingsAndFailedCaptures) {
  VlfCalibration calibration(two_tones());
  EXPECT_FALSE(calibration.finish_air_capture());  // nothing captured
  calibration.begin_capture();
  EXPECT_FALSE(calibration.finish_ferrite_capture());
  // A "ferrite" capture in air has no response to rotate: refused, calibration unchanged.
  calibration.begin_capture();
  std::vector<cf> zeros(4);
  calibration.process(zeros, zeros);
  EXPECT_FALSE(calibration.finish_ferrite_capture());
  EXPECT_EQ(calibration.config().phase_deg[0], 0.0);

  calibration.set_air_offset(0, {1.0, 2.0});
  calibration.set_phase_deg(0, 450.0);  // = 90°
  calibration.set_phase_deg(5, 10.0);   // no such tone: ignored
  EXPECT_EQ(calibration.config().phase_deg[0], 90.0);
  // conj((z − air)·e^{i90°}) for z − air = 1: conj(i) = −i.
  const cf out = calibration.apply(0, {2.0f, 2.0f});
  EXPECT_NEAR(out.real(), 0.0, 1e-6);
  EXPECT_NEAR(out.imag(), -1.0, 1e-6);
}

TEST(VlfCalibration, RejectsBadConfig) {
  const auto expect_error = [](VlfCalibration::Config config, const std::string& field) {
    try {
      VlfCalibration calibration(config);
      ADD_FAILURE() << "no error for " << field;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
    }
  };
  auto c = two_tones();
  c.tone_count = 5;
  expect_error(c, "tone_count");
  c = two_tones();
  c.phase_deg[1] = 400.0;
  expect_error(c, "phase_deg[1]");
  c = two_tones();
  c.air_offset_im[0] = std::nan("");
  expect_error(c, "air_offset_im[0]");
}

TEST(VlfCalibration, ProcessAllocatesNothing) {
  VlfCalibration calibration(two_tones());
  std::vector<cf> in(2000, cf(0.1f, 0.2f));
  std::vector<cf> out(2000);
  deminer::test::AllocationCounter counter;
  calibration.begin_capture();
  calibration.process(in, out);
  calibration.finish_air_capture();
  calibration.process(in, in);  // in place
  EXPECT_EQ(counter.count(), 0u);
  EXPECT_NEAR(std::abs(in[0]), 0.0, 1e-6);
}
