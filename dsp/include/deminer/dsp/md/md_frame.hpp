// Metal-detector frames: what the sensor head of a continuous-wave (VLF) or pulse-induction (PI)
// detector delivers, the unit that flows through the MD chains (see docs/metal-detector.md for
// the physics and sign conventions).
//
// VLF: a block of raw ADC samples of the receive coil, phase-locked to the transmitter: sample 0
// of every block is at phase 0 of every transmitted tone (the transmit current is
// sum_k cos(2 pi f_k t)), and a block spans an integer number of periods of every tone, so the
// blocks of a stream join without a phase jump.
// PI: the receive-coil voltage at a set of gate times after the transmit current is switched off
// (a few gates, or a densely sampled decay burst), for one pulse or the average of a burst.
// Units are in the names. Views borrow samples (the streaming path passes views); the owning
// types are for simulators, tests and workstation code.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace deminer::dsp::md {

inline constexpr std::size_t max_tones = 4;

struct VlfBlockHeader {
  double sample_rate_hz = 0.0;
  std::array<double, max_tones> tone_hz{};  // transmitted tones; the first tone_count are used
  std::uint8_t tone_count = 0;
  double position_m = 0.0;        // coil centre along the sweep line, at the block's middle
  double advance_m = 0.0;         // how far the sweep line has advanced along the lane
  std::int64_t timestamp_ns = 0;  // time of sample 0, device clock
  std::uint64_t sequence = 0;     // monotonically increasing; gaps mean lost blocks
  std::uint16_t channel = 0;

  [[nodiscard]] std::span<const double> tones() const noexcept {
    return {tone_hz.data(), tone_count};
  }
};

struct VlfBlockView {
  VlfBlockHeader header;
  std::span<const float> samples;  // receive-coil ADC samples, volts
};

struct VlfBlock {
  VlfBlockHeader header;
  std::vector<float> samples;

  [[nodiscard]] VlfBlockView view() const noexcept { return {header, samples}; }
};

struct PiFrameHeader {
  double pulse_length_s = 0.0;    // transmit pulse length Tp (current on), before switch-off
  double pulse_period_s = 0.0;    // time between pulses (1 / pulse rate)
  double position_m = 0.0;        // coil centre along the sweep line
  double advance_m = 0.0;         // how far the sweep line has advanced along the lane
  std::int64_t timestamp_ns = 0;  // time of the switch-off, device clock
  std::uint64_t sequence = 0;
  std::uint16_t channel = 0;
};

struct PiFrameView {
  PiFrameHeader header;
  std::span<const float> gate_times_s;  // after switch-off, increasing
  std::span<const float> gate_values;   // receive-coil voltage at each gate time, volts
};

struct PiFrame {
  PiFrameHeader header;
  std::vector<float> gate_times_s;
  std::vector<float> gate_values;

  [[nodiscard]] PiFrameView view() const noexcept { return {header, gate_times_s, gate_values}; }
};

// What the unit's audio plays, produced by both chains for every frame (continuous tone) and held
// for an event: pitch carries the target identity (low: ferrous, high: non-ferrous for VLF;
// long decay = low pitch for PI), volume the strength (0 = silent, 1 = full scale).
struct ToneOutput {
  float pitch_hz = 0.0f;
  float volume = 0.0f;
};

}  // namespace deminer::dsp::md
