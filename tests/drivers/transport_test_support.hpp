// Helpers shared by the transport tests (serial over a pty, UDP over loopback).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "deminer/drivers/device/device.hpp"
#include "deminer/drivers/link/frame.hpp"
#include "deminer/drivers/link/payloads.hpp"
#include "deminer/dsp/core/trace.hpp"

namespace deminer::test {

// A trace frame whose samples encode (sequence, i), so any mix-up shows.
inline std::vector<std::byte> trace_frame(std::uint32_t sequence, std::size_t samples = 64) {
  namespace link = drivers::link;
  dsp::Trace trace;
  trace.header.dt_s = 1e-10;
  trace.header.sequence = sequence;
  trace.header.timestamp_ns = 1000 + sequence;
  for (std::size_t i = 0; i < samples; ++i) {
    trace.samples.push_back(static_cast<float>(sequence) + static_cast<float>(i) * 1e-3f);
  }
  std::vector<std::byte> payload(link::trace_payload_size(samples));
  EXPECT_EQ(link::encode_trace_payload(trace.view(), payload), payload.size());
  std::vector<std::byte> frame(link::frame_size(payload.size()));
  link::FrameHeader header;
  header.sequence = sequence;
  header.timestamp_ns = trace.header.timestamp_ns;
  EXPECT_EQ(link::encode_frame(header, payload, frame), frame.size());
  return frame;
}

// Reads until a frame or a non-timeout status, within a generous deadline (10 s).
inline drivers::ReadResult read_next(drivers::Device& device) {
  using namespace std::chrono_literals;
  for (int i = 0; i < 500; ++i) {
    const auto result = device.read(20ms);
    if (result.status != drivers::ReadStatus::timeout) return result;
  }
  return {};
}

// The result is the frame trace_frame(sequence, samples) made.
inline void expect_trace(const drivers::ReadResult& result, std::uint32_t sequence,
                         std::size_t samples = 64) {
  namespace link = drivers::link;
  ASSERT_EQ(result.status, drivers::ReadStatus::frame) << drivers::to_string(result.status);
  EXPECT_EQ(result.header.sequence, sequence);
  EXPECT_EQ(result.header.type, link::FrameType::gpr_trace);
  const auto expected = trace_frame(sequence, samples);
  ASSERT_EQ(result.payload.size(), expected.size() - link::kFrameOverhead);
  EXPECT_TRUE(std::equal(result.payload.begin(), result.payload.end(),
                         expected.begin() + link::kFrameHeaderSize));
}

}  // namespace deminer::test
