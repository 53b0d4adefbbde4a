#include "deminer/sim/formats/deminer_recording.hpp"

#include <algorithm>
#include <cstdio>
#include <string>

#include "deminer/drivers/link/recording.hpp"

namespace deminer::sim::formats {
namespace {

namespace link = drivers::link;

std::string format_number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.9g", value);
  return text;
}

class DeminerRecordingReader final : public TraceFileReader {
 public:
  explicit DeminerRecordingReader(const std::filesystem::path& path) : reader_(path) {
    const link::DeviceDescription& device = reader_.device();
    info_.format = FileFormat::deminer;
    info_.path = path;
    info_.instrument = device.model.empty() ? device.name : device.model;
    if (device.centre_frequency_hz > 0.0) info_.antenna_frequency_hz = device.centre_frequency_hz;
    info_.dt_s = device.nominal_dt_s;
    info_.samples_per_trace = device.samples_per_trace;
    info_.channels = std::max<std::size_t>(device.channels, 1);
    info_.sample_format = "float32";
    info_.positions_known = true;
    info_.fields = {{"device name", device.name},
                    {"model", device.model},
                    {"serial", device.serial},
                    {"firmware", device.firmware},
                    {"sensor", device.kind == link::SensorKind::gpr ? "gpr" : "metal detector"},
                    {"nominal dt (s)", format_number(device.nominal_dt_s)},
                    {"centre frequency (Hz)", format_number(device.centre_frequency_hz)},
                    {"samples per trace", std::to_string(device.samples_per_trace)},
                    {"channels", std::to_string(device.channels)}};
    // The traces carry their own timing; the first one is read now so the summary shows it.
    has_pending_ = reader_.next_trace(pending_);
    if (has_pending_) {
      info_.dt_s = pending_.header.dt_s;
      info_.time_zero_s = pending_.header.time_zero_s;
      if (info_.samples_per_trace == 0) info_.samples_per_trace = pending_.samples.size();
    }
  }

  const FileInfo& info() const noexcept override { return info_; }

  bool next_trace(dsp::Trace& trace) override {
    if (has_pending_) {
      std::swap(trace, pending_);
      has_pending_ = false;
      return true;
    }
    return reader_.next_trace(trace);
  }

  const std::vector<std::string>& warnings() const noexcept override { return reader_.warnings(); }

 private:
  link::RecordingReader reader_;
  FileInfo info_;
  dsp::Trace pending_;
  bool has_pending_ = false;
};

link::DeviceDescription device_like(const FileInfo& like) {
  link::DeviceDescription device;
  device.name = "converted from " + std::string(to_string(like.format)) + " file " +
                like.path.filename().string();
  device.model = like.instrument;
  device.kind = link::SensorKind::gpr;
  device.nominal_dt_s = like.dt_s;
  device.centre_frequency_hz = like.antenna_frequency_hz.value_or(0.0);
  device.samples_per_trace = static_cast<std::uint32_t>(like.samples_per_trace);
  device.channels = static_cast<std::uint16_t>(like.channels);
  return device;
}

class DeminerRecordingWriter final : public TraceFileWriter {
 public:
  DeminerRecordingWriter(const std::filesystem::path& path, const FileInfo& like)
      : writer_(path, device_like(like)) {}
  void write(const dsp::TraceView& trace) override { writer_.write_trace(trace); }
  void close() override { writer_.close(); }

 private:
  link::RecordingWriter writer_;
};

}  // namespace

bool looks_like_deminer_recording(std::span<const std::byte> first_bytes) noexcept {
  return first_bytes.size() >= link::kRecordingMagic.size() &&
         std::equal(link::kRecordingMagic.begin(), link::kRecordingMagic.end(),
                    first_bytes.begin());
}

std::unique_ptr<TraceFileReader> open_deminer_recording(const std::filesystem::path& path) {
  return std::make_unique<DeminerRecordingReader>(path);
}

std::unique_ptr<TraceFileWriter> create_deminer_recording(const std::filesystem::path& path,
                                                          const FileInfo& like) {
  return std::make_unique<DeminerRecordingWriter>(path, like);
}

}  // namespace deminer::sim::formats
