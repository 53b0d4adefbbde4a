// Serial transport over a real pseudo-terminal pair: frames, damage, timeouts, unplug and plug
// back, and no allocation in read().
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <vector>

#include "allocation_counter.hpp"
#include "deminer/drivers/device/device_uri.hpp"
#include "deminer/drivers/link/payloads.hpp"
#include "deminer/drivers/transport/pseudo_terminal.hpp"
#include "deminer/drivers/transport/serial.hpp"
#include "scratch_dir.hpp"
#include "transport_test_support.hpp"

namespace {

using deminer::test::expect_trace;
using deminer::test::read_next;
using deminer::test::trace_frame;

namespace link = deminer::drivers::link;
using deminer::drivers::PseudoTerminal;
using deminer::drivers::ReadResult;
using deminer::drivers::ReadStatus;
using namespace std::chrono_literals;

using Bytes = std::vector<std::byte>;

TEST(SerialTransport, FramesCrossAPseudoTerminalUnchanged) {
  PseudoTerminal pty;
  auto device =
      deminer::drivers::open_serial_device("serial://" + pty.slave_path() + "?baud=115200");
  for (std::uint32_t s = 1; s <= 50; ++s) ASSERT_TRUE(pty.write_all(trace_frame(s), 5000ms));
  for (std::uint32_t s = 1; s <= 50; ++s) expect_trace(read_next(*device), s);
  const auto c = device->counters();
  EXPECT_EQ(c.frames, 50u);
  EXPECT_EQ(c.bytes_received, 50 * trace_frame(1).size());
  EXPECT_EQ(c.crc_errors + c.header_errors + c.bytes_skipped + c.frames_lost, 0u);
  EXPECT_EQ(device->read(10ms).status, ReadStatus::timeout);
  EXPECT_EQ(device->counters().timeouts, 1u);
}

TEST(SerialTransport, DamageIsReportedOnceThenTheStreamResynchronises) {
  PseudoTerminal pty;
  auto device = deminer::drivers::open_serial_device("serial://" + pty.slave_path());
  Bytes line = trace_frame(1);
  const Bytes garbage{std::byte{0x00}, std::byte{0xA5}, std::byte{0x44}, std::byte{0x13}};
  line.insert(line.end(), garbage.begin(), garbage.end());
  Bytes damaged = trace_frame(2);
  damaged[100] ^= std::byte{0x40};
  line.insert(line.end(), damaged.begin(), damaged.end());
  const Bytes third = trace_frame(3);
  line.insert(line.end(), third.begin(), third.end());
  ASSERT_TRUE(pty.write_all(line, 5000ms));

  expect_trace(read_next(*device), 1);
  EXPECT_EQ(read_next(*device).status, ReadStatus::corruption);
  expect_trace(read_next(*device), 3);
  const auto c = device->counters();
  EXPECT_EQ(c.frames, 2u);
  EXPECT_EQ(c.crc_errors, 1u);
  EXPECT_EQ(c.bytes_skipped, garbage.size() + damaged.size());
  EXPECT_EQ(c.sequence_gaps, 1u);
  EXPECT_EQ(c.frames_lost, 1u);
}

TEST(SerialTransport, UnplugIsReportedAndTheSamePathComesBack) {
  deminer::test::ScratchDir dir;
  const auto link_path = (dir / "head").string();
  auto first = std::make_unique<PseudoTerminal>();
  std::filesystem::create_symlink(first->slave_path(), link_path);
  auto device = deminer::drivers::open_serial_device("serial://" + link_path + "?reconnect_ms=5");

  for (std::uint32_t s = 1; s <= 5; ++s) ASSERT_TRUE(first->write_all(trace_frame(s), 5000ms));
  for (std::uint32_t s = 1; s <= 5; ++s) expect_trace(read_next(*device), s);
  // A torn frame on the line when the cable goes.
  const Bytes torn = trace_frame(6);
  ASSERT_TRUE(first->write_all(std::span(torn).first(40), 5000ms));
  for (int i = 0; i < 100 && device->counters().bytes_received < 5 * trace_frame(1).size() + 40;
       ++i) {
    EXPECT_EQ(device->read(20ms).status, ReadStatus::timeout);
  }
  ASSERT_TRUE(first->drain(5000ms)) << "the reader did not take the bytes";
  first->close();
  EXPECT_EQ(read_next(*device).status, ReadStatus::disconnected);
  EXPECT_EQ(device->read(10ms).status, ReadStatus::timeout);  // nothing to reopen yet

  PseudoTerminal second;
  std::filesystem::remove(link_path);
  std::filesystem::create_symlink(second.slave_path(), link_path);
  for (std::uint32_t s = 7; s <= 9; ++s) ASSERT_TRUE(second.write_all(trace_frame(s), 5000ms));
  for (std::uint32_t s = 7; s <= 9; ++s) expect_trace(read_next(*device), s);

  const auto c = device->counters();
  EXPECT_EQ(c.disconnects, 1u);
  EXPECT_EQ(c.reconnects, 1u);
  EXPECT_EQ(c.bytes_truncated, 40u);
  EXPECT_EQ(c.frames, 8u);
  EXPECT_EQ(c.frames_lost, 1u);  // frame 6, torn by the unplug
}

TEST(SerialTransport, ReadAllocatesNothingInSteadyState) {
  PseudoTerminal pty;
  auto device = deminer::drivers::open_serial_device("serial://" + pty.slave_path());
  for (std::uint32_t s = 1; s <= 20; ++s) ASSERT_TRUE(pty.write_all(trace_frame(s), 5000ms));
  expect_trace(read_next(*device), 1);
  std::size_t allocations = 0;
  std::uint32_t frames = 0;
  {
    deminer::test::AllocationCounter counter;
    for (int i = 0; i < 1000 && frames < 19; ++i) {
      if (device->read(20ms).status == ReadStatus::frame) ++frames;
    }
    (void)device->read(1ms);  // a timeout too
    allocations = counter.count();
  }
  EXPECT_EQ(frames, 19u);
  EXPECT_EQ(allocations, 0u);
}

}  // namespace
