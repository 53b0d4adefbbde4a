// Refraction geometry: closed forms where they exist, Snell's law where they do not, and the
// depth inversion as the inverse of the forward model.
#include <gtest/gtest.h>

#include <cmath>

#include "deminer/dsp/gpr/refraction.hpp"

using namespace deminer::dsp;

namespace {

constexpr double c = speed_of_light_m_per_s;

TEST(Refraction, VerticalPathIsHeightOverCPlusDepthOverV) {
  for (double er : {1.0, 3.0, 6.0, 12.0, 20.0, 81.0}) {
    for (double depth : {0.0, 0.03, 0.1, 0.25, 2.0}) {
      const AntennaGeometry g{0.05, 0.0, er};
      const double v = c / std::sqrt(er);
      EXPECT_DOUBLE_EQ(two_way_time_s(g, 0.0, depth), 2.0 * 0.05 / c + 2.0 * depth / v);
    }
  }
}

TEST(Refraction, SnellHoldsAtTheRefractionPoint) {
  for (double er : {3.0, 6.0, 20.0}) {
    const double v = c / std::sqrt(er);
    for (double horizontal : {0.01, 0.1, 0.5, 3.0}) {
      const double height = 0.05;
      const double depth = 0.12;
      const RayLeg leg = refracted_leg(horizontal, height, depth, v);
      ASSERT_GT(leg.refraction_offset_m, 0.0);
      ASSERT_LT(leg.refraction_offset_m, horizontal);
      const double sin_air = leg.refraction_offset_m / std::hypot(leg.refraction_offset_m, height);
      const double run_soil = horizontal - leg.refraction_offset_m;
      const double sin_soil = run_soil / std::hypot(run_soil, depth);
      EXPECT_NEAR(sin_air / c, sin_soil / v, 1e-12 / c) << er << " " << horizontal;
      EXPECT_DOUBLE_EQ(leg.time_s, leg.air_length_m / c + leg.soil_length_m / v);
      // Fermat: any other surface point is slower.
      for (double du : {-1e-3, 1e-3}) {
        const double u = leg.refraction_offset_m + du;
        EXPECT_GT(std::hypot(u, height) / c + std::hypot(horizontal - u, depth) / v, leg.time_s);
      }
    }
  }
}

TEST(Refraction, InAirTheRayIsStraight) {
  // εr = 1: no refraction, the leg is the straight line.
  const RayLeg leg = refracted_leg(0.3, 0.05, 0.1, c);
  EXPECT_NEAR(leg.time_s, std::hypot(0.3, 0.15) / c, 1e-20);
}

TEST(Refraction, SurfaceEchoIsTheMirrorPath) {
  const AntennaGeometry g{0.05, 0.08, 6.0};
  EXPECT_DOUBLE_EQ(surface_two_way_time_s(g), std::hypot(0.08, 0.1) / c);
  EXPECT_NEAR(two_way_time_s(g, 0.0, 0.0), surface_two_way_time_s(g), 1e-20);
}

TEST(Refraction, DepthFromApexTimeInvertsTheForwardModel) {
  for (double er : {3.0, 6.0, 12.0, 20.0}) {
    for (double offset : {0.0, 0.05, 0.2}) {
      const AntennaGeometry g{0.05, offset, er};
      for (double depth : {0.0, 0.03, 0.1, 0.25, 1.5}) {
        EXPECT_NEAR(depth_from_apex_time_m(g, two_way_time_s(g, 0.0, depth)), depth, 1e-9);
      }
      EXPECT_EQ(depth_from_apex_time_m(g, 0.0), 0.0);
      EXPECT_EQ(depth_from_apex_time_m(g, 1e-6, 2.0), 2.0);
    }
  }
}

}  // namespace
