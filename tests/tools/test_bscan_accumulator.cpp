// Bounded-memory collection of picture columns: which traces are kept, against a direct rule.
#include <gtest/gtest.h>

#include <vector>

#include "bscan_accumulator.hpp"

using deminer::tools::BscanAccumulator;

TEST(BscanAccumulator, KeepsEveryStrideThTraceAndNeverMoreThanTheLimit) {
  for (std::size_t offered : {1u, 7u, 100u, 101u, 999u, 10'000u}) {
    constexpr std::size_t samples = 3;
    constexpr std::size_t limit = 100;
    BscanAccumulator acc(samples, limit);
    for (std::size_t i = 0; i < offered; ++i) {
      const std::vector<float> trace(samples, static_cast<float>(i));
      acc.add(trace, 0.01 * static_cast<double>(i));
    }
    // Rule: the smallest power-of-two stride s with ceil(offered / s) <= limit; keep i % s == 0.
    std::size_t stride = 1;
    while ((offered + stride - 1) / stride > limit) stride *= 2;
    EXPECT_EQ(acc.stride(), stride) << offered;
    ASSERT_EQ(acc.traces(), (offered + stride - 1) / stride) << offered;
    const auto image = acc.image(0.0, 1.0);
    for (std::size_t column = 0; column < acc.traces(); ++column) {
      for (std::size_t k = 0; k < samples; ++k) {
        ASSERT_EQ(image.samples[column * samples + k], static_cast<float>(column * stride));
      }
    }
    EXPECT_DOUBLE_EQ(image.first_position_m, 0.0);
    EXPECT_NEAR(image.last_position_m, 0.01 * static_cast<double>((acc.traces() - 1) * stride),
                1e-12);
  }
}
