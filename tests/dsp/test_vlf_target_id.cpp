// VlfTargetId: spheres whose responses are computed here from Wait's χ (docs/metal-detector.md)
// land in the class their physics says; the SNR gate withholds the identity; band edges,
// pitch and volume against their defining formulas; validation.
#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <numbers>
#include <stdexcept>
#include <string>

#include "allocation_counter.hpp"
#include "deminer/dsp/md/vlf_target_id.hpp"
#include "test_vlf_physics.hpp"

using deminer::dsp::md::VlfTargetClass;
using deminer::dsp::md::VlfTargetId;
namespace phys = deminer::test::vlf;

namespace {

std::complex<float> calibrated_response(std::complex<double> m) {
  return std::complex<float>(phys::calibrated(m));
}

}  // namespace

TEST(VlfTargetId, SpheresLandInTheirPhysicalClass) {
  const VlfTargetId id(VlfTargetId::Config{});
  const double omega = 2.0 * std::numbers::pi * 10e3;
  struct Case {
    const char* name;
    double radius_m;
    double sigma;
    double mu_r;
    VlfTargetClass expected;
  };
  // Phase angles at 10 kHz: 1 mm Al 94°, 5 mm Al 147°, 4 cm Cu 177°, 1 cm steel 17°.
  for (const Case& c :
       {Case{"aluminium 1 mm", 0.5e-3, 3.77e7, 1.0, VlfTargetClass::low_conductor},
        Case{"aluminium 5 mm", 2.5e-3, 3.77e7, 1.0, VlfTargetClass::medium_conductor},
        Case{"copper 4 cm", 20e-3, 5.8e7, 1.0, VlfTargetClass::high_conductor},
        Case{"steel 1 cm", 5e-3, 5e6, 100.0, VlfTargetClass::ferrous}}) {
    const auto chi = phys::sphere_chi(c.radius_m, c.sigma, c.mu_r, omega);
    const auto identity = id.identify(calibrated_response(1e-4 * chi), 50.0f);
    EXPECT_EQ(identity.target_class, c.expected) << c.name << " at " << identity.phase_deg;
    EXPECT_NEAR(identity.phase_deg, phys::phase_angle_deg(chi), 1e-3) << c.name;
    EXPECT_EQ(identity.ferrous(), c.expected == VlfTargetClass::ferrous) << c.name;
  }
  // Viscous soil (a few degrees) is ground-like, not metal.
  const auto kappa = phys::viscous_soil_kappa(1e-3, 1e-9, 1e3, omega);
  EXPECT_EQ(id.identify(calibrated_response(kappa), 50.0f).target_class,
            VlfTargetClass::ground_like);
}

TEST(VlfTargetId, SnrGateWithholdsTheIdentity) {
  VlfTargetId::Config config;
  config.min_snr = 12.0;
  const VlfTargetId id(config);
  const std::complex<float> aluminium = std::polar(1.0f, 2.5f);  // 143°
  EXPECT_EQ(id.identify(aluminium, 11.9f).target_class, VlfTargetClass::none);
  EXPECT_FALSE(id.identify(aluminium, 11.9f).identified());
  EXPECT_EQ(id.identify(aluminium, 12.0f).target_class, VlfTargetClass::medium_conductor);
  // Without an identity the tone still sounds (the target is there), at the neutral pitch.
  const auto tone = id.tone(id.identify(aluminium, 11.9f));
  EXPECT_EQ(tone.pitch_hz, 500.0f);
  EXPECT_GT(tone.volume, 0.0f);
}

TEST(VlfTargetId, BandEdges) {
  const VlfTargetId id(VlfTargetId::Config{});
  EXPECT_EQ(id.classify(-30.0), VlfTargetClass::ground_like);
  EXPECT_EQ(id.classify(9.99), VlfTargetClass::ground_like);
  EXPECT_EQ(id.classify(10.0), VlfTargetClass::ferrous);
  EXPECT_EQ(id.classify(84.99), VlfTargetClass::ferrous);
  EXPECT_EQ(id.classify(85.0), VlfTargetClass::low_conductor);
  EXPECT_EQ(id.classify(120.0), VlfTargetClass::medium_conductor);
  EXPECT_EQ(id.classify(150.0), VlfTargetClass::high_conductor);
  EXPECT_EQ(id.classify(180.0), VlfTargetClass::high_conductor);
  EXPECT_EQ(id.classify(std::nan("")), VlfTargetClass::ground_like);
  EXPECT_EQ(deminer::dsp::md::to_string(VlfTargetClass::low_conductor), "low_conductor");
}

TEST(VlfTargetId, PitchAndVolume) {
  const VlfTargetId id(VlfTargetId::Config{});
  // Pitch: 200 Hz + (θ/180°)·800 Hz.
  for (double theta : {20.0, 90.0, 135.0, 175.0}) {
    const auto z = std::polar(1.0f, static_cast<float>(theta * std::numbers::pi / 180.0));
    EXPECT_NEAR(id.tone(id.identify(z, 50.0f)).pitch_hz, 200.0 + theta / 180.0 * 800.0, 0.01);
  }
  // Volume: ln(snr/3)/ln(100/3), clamped to [0, 1].
  EXPECT_EQ(id.volume(2.0f), 0.0f);
  EXPECT_EQ(id.volume(3.0f), 0.0f);
  EXPECT_NEAR(id.volume(30.0f), std::log(10.0) / std::log(100.0 / 3.0), 1e-6);
  EXPECT_EQ(id.volume(100.0f), 1.0f);
  EXPECT_EQ(id.volume(1e5f), 1.0f);
  EXPECT_EQ(id.volume(std::nanf("")), 0.0f);
}

TEST(VlfTargetId, RejectsBadConfig) {
  const auto expect_error = [](VlfTargetId::Config config, const std::string& field) {
    try {
      VlfTargetId id(config);
      ADD_FAILURE() << "no error for " << field;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
    }
  };
  VlfTargetId::Config c;
  c.min_snr = -1.0;
  expect_error(c, "min_snr");
  c = {};
  c.non_ferrous_min_deg = 5.0;  // below ferrous_min_deg
  expect_error(c, "non_ferrous_min_deg");
  c = {};
  c.high_min_deg = 181.0;
  expect_error(c, "high_min_deg");
  c = {};
  c.low_pitch_hz = 10.0;
  expect_error(c, "low_pitch_hz");
  c = {};
  c.volume_start_snr = 200.0;
  expect_error(c, "volume_start_snr");
}

TEST(VlfTargetId, AllocatesNothing) {
  const VlfTargetId id(VlfTargetId::Config{});
  deminer::test::AllocationCounter counter;
  float sum = 0.0f;
  for (int i = 0; i < 1000; ++i) {
    sum += id.tone(id.identify(std::polar(1.0f, 0.003f * static_cast<float>(i)), 20.0f)).pitch_hz;
  }
  EXPECT_EQ(counter.count(), 0u);
  EXPECT_GT(sum, 0.0f);
}
