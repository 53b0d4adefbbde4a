#include "deminer/sim/device/virtual_head.hpp"

#include <time.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "deminer/drivers/link/frame.hpp"
#include "deminer/dsp/core/error.hpp"
#include "deminer/sim/formats/trace_file.hpp"
#include "deminer/sim/gpr/scene.hpp"

namespace deminer::sim {
namespace {

namespace link = drivers::link;

class RecordingSource final : public TraceSource {
 public:
  RecordingSource(const std::string& path, unsigned channel)
      : reader_(formats::open_trace_file(path)), channel_(channel) {
    const auto& info = reader_->info();
    if (channel >= info.channels) {
      throw DeviceError(path + ": channel=" + std::to_string(channel) + " but the file has " +
                        std::to_string(info.channels) + " channel(s) (0.." +
                        std::to_string(info.channels - 1) + ")");
    }
    description_.name = std::filesystem::path(path).filename().string();
    description_.model =
        info.instrument.empty() ? std::string(formats::to_string(info.format)) : info.instrument;
    description_.firmware = "replay";
    description_.kind = link::SensorKind::gpr;
    description_.nominal_dt_s = info.dt_s;
    description_.centre_frequency_hz = info.antenna_frequency_hz.value_or(0.0);
    description_.samples_per_trace = static_cast<std::uint32_t>(info.samples_per_trace);
    description_.channels = 1;  // one channel goes on the link
  }
  bool next_trace(dsp::Trace& trace) override {
    while (reader_->next_trace(trace)) {
      if (trace.header.channel == channel_) return true;
    }
    return false;
  }
  const link::DeviceDescription& description() const noexcept override { return description_; }
  std::vector<std::string> warnings() const override { return reader_->warnings(); }

 private:
  std::unique_ptr<formats::TraceFileReader> reader_;
  unsigned channel_;
  link::DeviceDescription description_;
};

class SimulatedGprSource final : public TraceSource {
 public:
  explicit SimulatedGprSource(const GprSceneConfig& config) : scene_(simulate_gpr_scene(config)) {
    description_.name = "GPR scene simulator";
    description_.model = "deminer sim://gpr";
    description_.firmware = "sim";
    description_.kind = link::SensorKind::gpr;
    description_.nominal_dt_s = config.dt_s;
    description_.centre_frequency_hz = config.centre_hz;
    description_.samples_per_trace = static_cast<std::uint32_t>(config.samples_per_trace);
  }
  bool next_trace(dsp::Trace& trace) override {
    if (next_ >= scene_.traces.size()) return false;
    const auto& source = scene_.traces[next_++];
    trace.header = source.header;
    trace.samples.assign(source.samples.begin(), source.samples.end());
    return true;
  }
  const link::DeviceDescription& description() const noexcept override { return description_; }

 private:
  SimulatedScene scene_;
  std::size_t next_ = 0;
  link::DeviceDescription description_;
};

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError(path + ": cannot open scene file");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void check_probability(const char* field, double p) {
  if (!(p >= 0.0 && p <= 1.0)) {
    throw std::invalid_argument(std::string("FaultOptions.") + field + " = " + std::to_string(p) +
                                ", valid [0, 1]");
  }
}

}  // namespace

std::unique_ptr<TraceSource> open_trace_source(const drivers::DeviceUri& uri) {
  if (uri.scheme == "replay") {
    const auto channel = static_cast<unsigned>(uri.integer("channel", 0, 0, 65535));
    return std::make_unique<RecordingSource>(uri.target, channel);
  }
  if (uri.scheme == "sim") {
    if (uri.target == "md") {
      throw DeviceError(uri.text +
                        ": the live runtime carries GPR traces only so far, so the metal-detector "
                        "simulator is no device yet; write a recording with 'deminer simulate "
                        "--md' and run it through its chain with 'deminer replay'. Available: "
                        "sim://gpr?seed=N&traces=N&scene=FILE.json&noise=STD");
    }
    if (uri.target != "gpr") {
      throw DeviceError(uri.text + ": unknown simulator '" + uri.target +
                        "'; available: sim://gpr (metal-detector scenes: 'deminer simulate --md')");
    }
    GprSceneConfig config = default_gpr_scene();
    if (const std::string* scene = uri.find("scene")) {
      config = scene_from_json(read_text(*scene), *scene);
    }
    config.seed = uri.integer("seed", config.seed, 0, UINT64_MAX);
    config.trace_count =
        static_cast<std::size_t>(uri.integer("traces", config.trace_count, 1, 1'000'000));
    config.noise_std = uri.number("noise", config.noise_std, 0.0, 1e3);
    return std::make_unique<SimulatedGprSource>(config);
  }
  throw DeviceError(uri.text +
                    ": not a trace source; valid: a recording path, replay://PATH, "
                    "sim://gpr?seed=N&traces=N&scene=FILE.json&noise=STD");
}

std::unique_ptr<TraceSource> open_trace_source(std::string_view source) {
  if (source.find("://") == std::string_view::npos) {
    return std::make_unique<RecordingSource>(std::string(source), 0);
  }
  const drivers::DeviceUri uri = drivers::parse_device_uri(source);
  if (uri.scheme == "replay") {
    uri.check_options({kRecordingSourceOptions.begin(), kRecordingSourceOptions.end()});
  } else if (uri.scheme == "sim" && uri.target == "gpr") {
    uri.check_options({kSimGprSourceOptions.begin(), kSimGprSourceOptions.end()});
  }
  return open_trace_source(uri);
}

VirtualHeadOptions parse_virtual_head_options(const drivers::DeviceUri& uri) {
  VirtualHeadOptions options;
  options.pace = uri.pace(options.pace);
  auto& f = options.faults;
  f.drop = uri.number("drop", 0.0, 0.0, 1.0);
  f.corrupt = uri.number("corrupt", 0.0, 0.0, 1.0);
  f.burst = uri.number("burst", 0.0, 0.0, 1.0);
  f.disconnect_after = uri.integer("disconnect_after", 0, 0, UINT64_MAX);
  f.outage_frames = uri.integer("outage", f.outage_frames, 0, UINT64_MAX);
  f.seed = uri.integer("fault_seed", f.seed, 0, UINT64_MAX);
  return options;
}

VirtualHead::VirtualHead(std::unique_ptr<TraceSource> source, const VirtualHeadOptions& options)
    : source_(std::move(source)), options_(options), random_(options.faults.seed) {
  if (!source_) throw std::invalid_argument("VirtualHead: source is null");
  check_probability("drop", options.faults.drop);
  check_probability("corrupt", options.faults.corrupt);
  check_probability("burst", options.faults.burst);
  if (!(options.pace.rate_hz >= drivers::kMinPaceRateHz &&
        options.pace.rate_hz <= drivers::kMaxPaceRateHz)) {
    throw std::invalid_argument("VirtualHeadOptions.pace.rate_hz = " +
                                std::to_string(options.pace.rate_hz) + ", valid [0.001, 1e7]");
  }
  description_payload_ = link::encode_device_description(source_->description());
}

std::int64_t VirtualHead::due_for(const dsp::TraceHeader& header) noexcept {
  if (options_.pace.mode == drivers::Pace::max) return 0;
  const auto period_ns = static_cast<std::int64_t>(std::llround(1e9 / options_.pace.rate_hz));
  if (!have_first_) {
    have_first_ = true;
    start_ns_ = drivers::monotonic_ns();
    last_stamp_ns_ = header.timestamp_ns;
    first_stamp_ns_ = start_ns_;  // due time of the previous trace
    return start_ns_;
  }
  std::int64_t step = period_ns;
  if (options_.pace.mode == drivers::Pace::realtime) {
    const std::int64_t delta = header.timestamp_ns - last_stamp_ns_;
    // Timestamps that stand still, go back or jump by more than 10 s are not a clock to follow.
    if (delta > 0 && delta < 10'000'000'000) step = delta;
  }
  last_stamp_ns_ = header.timestamp_ns;
  first_stamp_ns_ += step;
  return first_stamp_ns_;
}

std::span<const std::byte> VirtualHead::encode(link::FrameType type,
                                               std::span<const std::byte> payload,
                                               std::int64_t stamp_ns) {
  frame_.resize(link::frame_size(payload.size()));
  link::FrameHeader header;
  header.type = type;
  header.sequence = sequence_++;
  header.timestamp_ns = stamp_ns;
  const std::size_t n = link::encode_frame(header, payload, frame_);
  return std::span<const std::byte>(frame_).first(n);
}

bool VirtualHead::damage(std::span<std::byte> frame, std::uint64_t trace_sequence) {
  // Three draws per frame whatever the probabilities, so a seed gives the same stream of
  // decisions for any settings.
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const bool corrupt = unit(random_) < options_.faults.corrupt;
  const bool burst = unit(random_) < options_.faults.burst;
  std::uniform_int_distribution<int> nonzero(1, 255);
  if (corrupt) {
    std::uniform_int_distribution<std::size_t> at(0, frame.size() - 1);
    frame[at(random_)] ^= static_cast<std::byte>(nonzero(random_));
    ++faults_.corrupted;
  }
  if (burst) {
    const std::size_t length = std::uniform_int_distribution<std::size_t>(
        std::min<std::size_t>(8, frame.size()), std::min<std::size_t>(64, frame.size()))(random_);
    const std::size_t first =
        std::uniform_int_distribution<std::size_t>(0, frame.size() - length)(random_);
    for (std::size_t i = first; i < first + length; ++i) {
      frame[i] ^= static_cast<std::byte>(nonzero(random_));
    }
    ++faults_.bursts;
  }
  if (corrupt || burst) faults_.damaged_trace_sequences.push_back(trace_sequence);
  return corrupt || burst;
}

VirtualHead::Event VirtualHead::next() {
  if (ended_) return {EventKind::end, {}, 0};
  if (down_ && outage_remaining_ == 0) {
    down_ = false;
    described_ = false;
    return {EventKind::reconnect, {}, 0};
  }
  if (!described_) {
    described_ = true;
    return {EventKind::bytes, encode(link::FrameType::device_description, description_payload_, 0),
            0};
  }
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  for (;;) {
    if (!source_->next_trace(trace_)) {
      ended_ = true;
      return {EventKind::end, {}, 0};
    }
    ++faults_.traces_read;
    const std::int64_t due = due_for(trace_.header);
    const std::uint64_t trace_sequence = trace_.header.sequence;
    if (down_) {
      ++sequence_;  // the head kept sending into the unplugged cable
      --outage_remaining_;
      ++faults_.lost_in_outage;
      faults_.damaged_trace_sequences.push_back(trace_sequence);
      if (outage_remaining_ == 0) {
        down_ = false;
        described_ = false;
        return {EventKind::reconnect, {}, due};
      }
      continue;
    }
    const auto& f = options_.faults;
    if (f.disconnect_after > 0 && !disconnected_once_ &&
        traces_since_connect_ >= f.disconnect_after) {
      disconnected_once_ = true;
      down_ = true;
      ++faults_.disconnects;
      outage_remaining_ = f.outage_frames;
      if (outage_remaining_ > 0) {
        ++sequence_;
        --outage_remaining_;
        ++faults_.lost_in_outage;
        faults_.damaged_trace_sequences.push_back(trace_sequence);
      }
      return {EventKind::disconnect, {}, due};
    }
    ++traces_since_connect_;
    payload_.resize(link::trace_payload_size(trace_.samples.size()));
    const std::size_t payload_bytes = link::encode_trace_payload(trace_.view(), payload_);
    const auto encoded = encode(link::FrameType::gpr_trace,
                                std::span<const std::byte>(payload_).first(payload_bytes),
                                trace_.header.timestamp_ns);
    if (unit(random_) < f.drop) {
      ++faults_.dropped;
      faults_.damaged_trace_sequences.push_back(trace_sequence);
      continue;
    }
    if (!damage(std::span<std::byte>(frame_).first(encoded.size()), trace_sequence)) {
      ++faults_.frames_sent;
    }
    return {EventKind::bytes, encoded, due};
  }
}

}  // namespace deminer::sim
